import HopHubCore
import HopProtocol
import PostgresNIO

/// The live feed's read-backs; row mapping as in `PostgresStore+Rows`. (`activeKeyIDs` and
/// `liveSessionHashes` live with keys and sessions.)
extension PostgresStore: LiveLookups {
    public func newestEventID() async throws -> Int64 {
        let logger = self.logger
        return try await client.withConnection { c in try await c.integer("SELECT max(id) FROM events", logger: logger) }
    }

    public func events(afterID: Int64, receivedSince: Int64, limit: Int) async throws -> [EventRecord] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.eventColumns) FROM events
            WHERE id > \(afterID) AND received_at >= \(receivedSince) ORDER BY id LIMIT \(Int64(limit))
            """, logger: logger)
        var result: [EventRecord] = []
        for try await r in rows.decode(EventRow.self) { result.append(Self.eventRecord(r)) }
        return result
    }

    public func outages(ids: Set<OutageID>) async throws -> [OutageRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await client.query(
            "SELECT \(unescaped: Self.outageColumns) FROM outages WHERE outage_id = ANY(\(ids.map(\.rawValue).sorted())::text[]) ORDER BY ts",
            logger: logger)
        var result: [OutageRecord] = []
        for try await r in rows.decode(OutageRow.self) { result.append(Self.outageRecord(r)) }
        return result
    }

    public func edges(ids: Set<EdgeID>) async throws -> [EdgeRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await client.query(
            "SELECT \(unescaped: Self.edgeColumns) FROM edges WHERE edge_id = ANY(\(ids.map(\.rawValue).sorted())::text[]) ORDER BY edge_id",
            logger: logger)
        var result: [EdgeRecord] = []
        for try await r in rows.decode(EdgeRow.self) {
            if let record = Self.edgeRecord(r, scope: .all) { result.append(record) }
        }
        return result
    }
}
