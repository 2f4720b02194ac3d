import HopHubCore
import Logging
import PostgresNIO

extension PostgresStore {
    /// Runs `body` in one transaction on one pooled connection: committed when it returns, rolled
    /// back when it throws, and its error rethrown as it was (postgres-nio's own `withTransaction`
    /// wraps it). A failed COMMIT throws the server's error. A lost database throws
    /// `StoreUnavailable`, at once while the store knows it has no primary, and as soon as the
    /// connection closes under it (`ConnectionCloseWatch`).
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        if let unavailable = primary.unavailable { throw unavailable.during("a transaction") }
        do {
            return try await Self.transaction(client, closes: primary.closes, logger: logger, body)
        } catch {
            throw storeError(error, operation: "a transaction")
        }
    }

    /// `body` between `begin` and COMMIT on one connection of `client`; ROLLBACK when it throws
    /// (not on a closed connection: the server has rolled back already). Ends with
    /// `PostgresConnectionClosed` as soon as the connection closes under it.
    static func transaction<Result: Sendable>(
        _ client: PostgresClient, begin: PostgresQuery = "BEGIN", closes: ConnectionCloseWatch, logger: Logger,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await closes.whileOpen(connection) { connection in
                try await connection.query(begin, logger: logger)
                let result: Result
                do {
                    result = try await body(connection)
                } catch {
                    if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                    throw error
                }
                try await connection.query("COMMIT", logger: logger)
                return result
            }
        }
    }

    /// Runs `body` in a savepoint of the current transaction: released when `body` returns true,
    /// rolled back (its writes undone, the transaction going on) when it returns false or throws.
    static func savepoint(_ connection: PostgresConnection, logger: Logger, _ body: () async throws -> Bool) async throws {
        try await connection.query("SAVEPOINT hop_write", logger: logger)
        let keep: Bool
        do {
            keep = try await body()
        } catch {
            try await connection.query("ROLLBACK TO SAVEPOINT hop_write", logger: logger)
            throw error
        }
        try await connection.query(keep ? "RELEASE SAVEPOINT hop_write" : "ROLLBACK TO SAVEPOINT hop_write", logger: logger)
    }
}

extension PostgresStore {
    /// What the store throws for `error`: `StoreUnavailable` when the database was out of reach,
    /// `PostgresStoreError` for a server error, anything else as it is.
    func storeError(_ error: any Error, operation: String) -> any Error {
        if let unavailable = Self.unavailability(of: error, store: settings.description, operation: operation) { return unavailable }
        if error is PSQLError { return PostgresStoreError(database: settings.description, operation: operation, underlying: error) }
        return error
    }
}
