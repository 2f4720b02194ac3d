import HopHubCore
import Logging
import PostgresNIO

extension PostgresStore {
    /// Runs `body` in one transaction on one pooled connection: committed when it returns, rolled
    /// back when it throws, and its error rethrown as it was (postgres-nio's own `withTransaction`
    /// wraps it). A failed COMMIT throws the server's error.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await Self.transaction(client, logger: logger, body)
        } catch let error as PSQLError {
            throw PostgresStoreError(database: settings.description, operation: "a transaction", underlying: error)
        }
    }

    static func transaction<Result: Sendable>(
        _ client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            let result: Result
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
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
