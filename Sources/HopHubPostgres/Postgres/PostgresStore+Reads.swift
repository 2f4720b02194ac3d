import Logging
import PostgresNIO

extension PostgresStore {
    /// `body` on one pooled connection, outside a transaction, ended with `PostgresConnectionClosed`
    /// as soon as that connection closes under it (`ConnectionCloseWatch`), as transactions are.
    /// Reads go through here rather than `client.query` or `client.withConnection`: the pool may
    /// hand out a connection the server closed a moment before, and postgres-nio never answers a
    /// statement written to it, so the read — and the service or the shutdown waiting on it —
    /// would wait forever.
    func onConnection<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let closes = primary.closes
        return try await client.withConnection { connection in try await closes.whileOpen(connection, body) }
    }

    /// Every row of the single statement `query`, collected on one pooled connection (`onConnection`).
    func fetch(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let logger = self.logger
        return try await onConnection { c in try await c.rows(query, logger: logger) }
    }
}

extension Array where Element == PostgresRow {
    /// Each row decoded as `type` (one column).
    func decode<Column: PostgresDecodable>(_ type: Column.Type) throws -> [Column] {
        try map { try $0.decode(Column.self) }
    }

    /// Each row decoded as the tuple `types`.
    func decode<each Column: PostgresDecodable>(_ types: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try map { try $0.decode(types) }
    }
}
