import PostgresNIO
import Synchronization

/// Ends the work running on a pooled connection as soon as the connection closes under it (the
/// server stopped, restarted or terminated the session). Without it such work can wait forever:
/// postgres-nio leaves a statement written to an already closed connection unanswered, so a
/// transaction whose connection closed between two statements (or before its ROLLBACK) would
/// never return, and the hub could not stop.
///
/// One `closeFuture` callback per connection, however many transactions run on it (a callback per
/// transaction would pile up on a pooled connection that lives for days); the entry goes when the
/// connection closes.
final class ConnectionCloseWatch: Sendable {
    private struct State: Sendable {
        var nextID: UInt64 = 0
        /// Per connection: the work running on it, by registration id.
        var watched: [ObjectIdentifier: [UInt64: @Sendable () -> Void]] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// `body` on `connection`, in a task of its own: its result, or `PostgresConnectionClosed` as
    /// soon as the connection closes (`body` is then cancelled and not waited for: the closed
    /// connection is discarded by the pool, so nothing else can be running on it). The caller's
    /// cancellation is passed on to `body`, which is then waited for as usual.
    func whileOpen<T: Sendable>(
        _ connection: PostgresConnection, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let answer = OneAnswer<T>()
        let work = Task { await answer.give { try await body(connection) } }
        let id = watch(connection) {
            answer.give(.failure(PostgresConnectionClosed()))
            work.cancel()
        }
        defer { unwatch(connection, id) }
        return try await withTaskCancellationHandler {
            try await answer.value()
        } onCancel: {
            work.cancel()
        }
    }

    /// Registers `closed` to run once when `connection` closes (at once if it is closed already).
    private func watch(_ connection: PostgresConnection, _ closed: @escaping @Sendable () -> Void) -> UInt64 {
        let key = ObjectIdentifier(connection)
        let (id, first) = state.withLock { state in
            state.nextID += 1
            let first = state.watched[key] == nil
            state.watched[key, default: [:]][state.nextID] = closed
            return (state.nextID, first)
        }
        if first {
            connection.closeFuture.whenComplete { [self] _ in
                let waiting = state.withLock { $0.watched.removeValue(forKey: key) } ?? [:]
                for closed in waiting.values { closed() }
            }
        }
        return id
    }

    private func unwatch(_ connection: PostgresConnection, _ id: UInt64) {
        let key = ObjectIdentifier(connection)
        _ = state.withLock { $0.watched[key]?.removeValue(forKey: id) }
    }
}

/// The connection a statement was running on closed before it answered.
struct PostgresConnectionClosed: Error, CustomStringConvertible {
    var description: String { "the connection to the server closed" }
}
