import HopHubCore
import HopProtocol
import PostgresNIO

/// What the executive summary reads beyond the query endpoints.
extension PostgresStore: SummaryLookups {
    public func commFailSubstations(since: Int64, scope: SubstationScope) async throws -> Set<SubstationID> {
        let (all, ids) = Self.scopeBinds(scope)
        // Per substation and device, the newest COMM_FAIL/COMM_RESTORED event; failed when it is a COMM_FAIL.
        let rows = try await fetch(
            """
            SELECT substation_id FROM (
              SELECT DISTINCT ON (substation_id, coalesce(device_id, '')) substation_id, event_type FROM events
              WHERE ts >= \(since) AND event_type IN (\(GridEventType.commFail), \(GridEventType.commRestored))
                AND substation_id IS NOT NULL AND (\(all) OR substation_id = ANY(\(ids)::text[]))
              ORDER BY substation_id, coalesce(device_id, ''), id DESC) newest
            WHERE event_type = \(GridEventType.commFail)
            """)
        var result = Set<SubstationID>()
        for sub in try rows.decode(String.self) { result.insert(SubstationID(sub)) }
        return result
    }

    public func tripCounts(since: Int64, scope: SubstationScope) async throws -> [SubstationID: Int] {
        let (all, ids) = Self.scopeBinds(scope)
        let rows = try await fetch(
            """
            SELECT substation_id, count(*) FROM events
            WHERE ts >= \(since) AND event_type = \(GridEventType.feederTrip) AND substation_id IS NOT NULL
              AND (\(all) OR substation_id = ANY(\(ids)::text[]))
            GROUP BY substation_id
            """)
        var counts: [SubstationID: Int] = [:]
        for (sub, n) in try rows.decode((String, Int64).self) { counts[SubstationID(sub)] = Int(n) }
        return counts
    }
}
