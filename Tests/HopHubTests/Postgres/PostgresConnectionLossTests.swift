import Foundation
import HopHubCore
import Logging
import PostgresNIO
import Testing

@testable import HopHubPostgres

/// Work on a connection that closes under it (a transaction, or a read outside one) ends with an
/// error instead of waiting forever.
/// postgres-nio leaves a statement written to an already closed connection unanswered; before the
/// store ended such work itself, a hub whose database restarted mid-transaction could not stop.
@Suite struct PostgresConnectionLossTests {
    static let logger = Logger(label: "test")

    /// What a transaction on `store` ended with, or "still running" once `limit` has passed.
    static func outcome(
        of store: PostgresStore, limit: Duration = .seconds(30), _ body: @escaping @Sendable (PostgresConnection) async throws -> Void
    ) async throws -> String {
        do {
            return try await withDeadline(limit, what: "the transaction") {
                do {
                    try await store.transaction(body)
                    return "committed"
                } catch let unavailable as StoreUnavailable {
                    return "unavailable: \(unavailable.reason)"
                } catch {
                    return "other error: \(error)"
                }
            }
        } catch is PostgresTimeout {
            return "still running"
        }
    }

    @Test func aTransactionWhoseConnectionClosedBetweenStatementsEndsAsUnavailable() async throws {
        let store = try await PostgresTestCluster.shared.freshStore()
        let logger = Self.logger
        let result = try await Self.outcome(of: store) { c in
            let pid = try await c.integer("SELECT pg_backend_pid()::int8", logger: logger)
            // Another pooled connection ends this one's session, as a server shutting down does.
            _ = try await store.client.query("SELECT pg_terminate_backend(\(Int32(pid)))", logger: logger)
            try await c.closeFuture.get()
            _ = try await c.query("SELECT 1", logger: logger)
        }
        #expect(result.hasPrefix("unavailable"), "\(result)")
        // The pool drops the closed connection and serves the next transaction.
        #expect(try await Self.outcome(of: store) { c in _ = try await c.query("SELECT 1", logger: logger) } == "committed")
        try await store.close()
    }

    @Test func aTransactionWhoseStatementFailsAsTheSessionEndsIsNotHeldByItsRollback() async throws {
        let store = try await PostgresTestCluster.shared.freshStore()
        let logger = Self.logger
        let result = try await Self.outcome(of: store) { c in
            // The statement fails (57P01) and the server closes the connection: the ROLLBACK after
            // it must not wait for an answer that cannot come.
            _ = try await c.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: logger)
        }
        #expect(result.hasPrefix("unavailable"), "\(result)")
        try await store.close()
    }

    @Test func aReadWhoseConnectionClosedBeforeItsStatementEndsAsClosed() async throws {
        let store = try await PostgresTestCluster.shared.freshStore()
        let logger = Self.logger
        let result: String
        do {
            result = try await withDeadline(.seconds(30), what: "the read") {
                do {
                    let rows = try await store.onConnection { c in
                        let pid = try await c.integer("SELECT pg_backend_pid()::int8", logger: logger)
                        // The server ends the session between the pool's lease and the statement.
                        _ = try await store.client.query("SELECT pg_terminate_backend(\(Int32(pid)))", logger: logger)
                        try await c.closeFuture.get()
                        return try await c.rows("SELECT 1", logger: logger)
                    }
                    return "answered \(rows.count) rows"
                } catch let closed as PostgresConnectionClosed {
                    return "closed: \(closed)"
                } catch {
                    return "other error: \(error)"
                }
            }
        } catch is PostgresTimeout {
            result = "still running"
        }
        #expect(result.hasPrefix("closed"), "\(result)")
        // The pool drops the closed connection and serves the next read.
        #expect(try await store.fetch("SELECT 1").count == 1)
        try await store.close()
    }

    // Waiting for the body would hang: the time limit fails the test then. (Not a wall-clock bound
    // on the answer: with the tests in parallel on two cores, the 200 ms timer can wait tens of
    // seconds for a free thread of the cooperative pool.)
    @Test(.timeLimit(.minutes(1))) func aDeadlineAnswersEvenWhenTheWorkIgnoresCancellationAndNeverReturns() async throws {
        await #expect(throws: PostgresTimeout.self) {
            try await withDeadline(.milliseconds(200), what: "work that never returns") {
                await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func cancellingTheCallerEndsTheWaitForWorkThatNeverReturns() async throws {
        let waiting = Task {
            try await abandonable { await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in } }
        }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
