import HopHubCore
import Logging
import PostgresNIO

extension PostgresConnection {
    /// Every row of `query`, collected (for reads that run several statements on one connection).
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    /// Calls `body` with each row of `query` as it arrives, so decoding overlaps the statement still
    /// running on the server (a long answer: the rows of `ml/trend`).
    func eachRow(_ query: PostgresQuery, logger: Logger, _ body: (PostgresRow) throws -> Void) async throws {
        for try await row in try await self.query(query, logger: logger) { try body(row) }
    }

    /// The one `bigint` (or NULL: 0) the query answers, e.g. `WITH d AS (DELETE … RETURNING 1)
    /// SELECT count(*) FROM d` for how many rows a statement changed.
    func integer(_ query: PostgresQuery, logger: Logger) async throws -> Int64 {
        for try await value in try await self.query(query, logger: logger).decode(Int64?.self) { return value ?? 0 }
        return 0
    }
}

extension PostgresStore {
    /// Runs `body` in a read-only REPEATABLE READ transaction: every statement sees the same
    /// snapshot, so a read of head and chunks never sees a compaction pass half done.
    func read<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        if let unavailable = primary.unavailable { throw unavailable.during("a read") }
        do {
            return try await Self.transaction(
                client, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", closes: primary.closes, logger: logger, body)
        } catch {
            throw storeError(error, operation: "a read")
        }
    }
}
