import HopHubCore
import GRDB
import HopProtocol

extension SQLiteStore: SummaryLookups {
    public func commFailSubstations(since: Int64, scope: SubstationScope) async throws -> Set<SubstationID> {
        let filter = Self.scopeFilter("substation_id", scope)
        return try await pool.read { db in
            // SQLite: with max(), the bare event_type comes from the row holding the max id.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT substation_id, event_type, max(id) FROM events
                    WHERE ts >= ? AND event_type IN ('\(GridEventType.commFail)', '\(GridEventType.commRestored)')
                      AND substation_id IS NOT NULL\(filter.sql)
                    GROUP BY substation_id, coalesce(device_id, '')
                    """,
                arguments: [since] + filter.arguments)
            return Set(rows.filter { ($0["event_type"] as String) == GridEventType.commFail }.map { SubstationID($0["substation_id"] as String) })
        }
    }

    public func tripCounts(since: Int64, scope: SubstationScope) async throws -> [SubstationID: Int] {
        let filter = Self.scopeFilter("substation_id", scope)
        return try await pool.read { db in
            var counts: [SubstationID: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT substation_id, count(*) AS n FROM events
                    WHERE ts >= ? AND event_type = '\(GridEventType.feederTrip)' AND substation_id IS NOT NULL\(filter.sql)
                    GROUP BY substation_id
                    """,
                arguments: [since] + filter.arguments)
            {
                counts[SubstationID(row["substation_id"] as String)] = row["n"]
            }
            return counts
        }
    }
}
