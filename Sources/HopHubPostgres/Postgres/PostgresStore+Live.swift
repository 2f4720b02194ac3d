import HopHubCore
import HopProtocol
import PostgresNIO

/// The live feed's read-backs; row mapping as in `PostgresStore+Rows`. (`activeKeyIDs` and
/// `liveSessionHashes` live with keys and sessions.)
extension PostgresStore: LiveLookups {
    public func newestEventID() async throws -> Int64 {
        let logger = self.logger
        return try await onConnection { c in try await c.integer("SELECT max(id) FROM events", logger: logger) }
    }

    public func events(afterID: Int64, receivedSince: Int64, limit: Int) async throws -> [EventRecord] {
        let rows = try await fetch(
            """
            SELECT \(unescaped: Self.eventColumns) FROM events
            WHERE id > \(afterID) AND received_at >= \(receivedSince) ORDER BY id LIMIT \(Int64(limit))
            """)
        var result: [EventRecord] = []
        for r in try rows.decode(EventRow.self) { result.append(Self.eventRecord(r)) }
        return result
    }

    public func outages(ids: Set<OutageID>) async throws -> [OutageRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await fetch(
            "SELECT \(unescaped: Self.outageColumns) FROM outages WHERE outage_id = ANY(\(ids.map(\.rawValue).sorted())::text[]) ORDER BY ts")
        var result: [OutageRecord] = []
        for r in try rows.decode(OutageRow.self) { result.append(Self.outageRecord(r)) }
        return result
    }

    public func edges(ids: Set<EdgeID>) async throws -> [EdgeRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await fetch(
            "SELECT \(unescaped: Self.edgeColumns) FROM edges WHERE edge_id = ANY(\(ids.map(\.rawValue).sorted())::text[]) ORDER BY edge_id")
        var result: [EdgeRecord] = []
        for r in try rows.decode(EdgeRow.self) {
            if let record = Self.edgeRecord(r, scope: .all) { result.append(record) }
        }
        return result
    }
}
