import Foundation
import HopHubCore
import HopProtocol
import PostgresNIO

/// Rows as the query API and the live stream serve them; the same shapes as `SQLiteStore`'s.
extension PostgresStore {
    /// A scope as two binds: `(all OR substation_id = ANY(ids))` filters in one fixed statement.
    static func scopeBinds(_ scope: SubstationScope) -> (all: Bool, ids: [String]) {
        switch scope {
        case .all: (true, [])
        case .only(let set): (false, set.map(\.rawValue).sorted())
        }
    }

    static func feeder(_ text: String?) -> FeederID? {
        guard let text, !text.isEmpty else { return nil }
        return FeederID(text)
    }

    static let eventColumns = "id, ts, substation_id, device_id, feeder_id, severity, event_type, old_state, new_state, message, latitude, longitude"
    typealias EventRow = (Int64, Int64, String?, String?, String?, String, String, String?, String?, String?, Double?, Double?)

    static func eventRecord(_ r: EventRow) -> EventRecord {
        EventRecord(
            id: r.0, time: SourceTime(epochMilliseconds: r.1),
            event: GridEvent(
                substationID: r.2.map(SubstationID.init), deviceID: r.3.map(DeviceID.init), feederID: r.4.map(FeederID.init),
                severity: r.5, eventType: r.6, oldState: r.7, newState: r.8, message: r.9, latitude: r.10, longitude: r.11))
    }

    static let outageColumns = """
        outage_id, substation_id, feeder_id, customers_out, mw_interrupted, status, cause, region, etr_time, latitude, longitude, ts
        """
    typealias OutageRow = (String, String?, String?, Int64?, Double?, String, String?, String?, Int64?, Double?, Double?, Int64)

    static func outageRecord(_ r: OutageRow) -> OutageRecord {
        OutageRecord(
            time: SourceTime(epochMilliseconds: r.11),
            outage: Outage(
                outageID: OutageID(r.0), substationID: r.1.map(SubstationID.init), feederID: r.2.map(FeederID.init),
                customersOut: r.3.map { Int($0) }, mwInterrupted: r.4, status: r.5, cause: r.6, region: r.7,
                etrTime: r.8.flatMap(SourceTime.init(checkedEpochMilliseconds:)), latitude: r.9, longitude: r.10))
    }

    static let edgeColumns = "edge_id, high_water_seq, last_contact, substations, health_json"
    typealias EdgeRow = (String, Int64, Int64, String, String?)

    /// Trimmed to `scope`; nil when the scope sees none of the edge's substations.
    static func edgeRecord(_ r: EdgeRow, scope: SubstationScope) -> EdgeRecord? {
        let subs = r.3.split(separator: ",").map { SubstationID(String($0)) }
        let visible = subs.filter { scope.allows($0) }
        if scope != .all && visible.isEmpty { return nil }
        var health = r.4.flatMap { try? JSONDecoder().decode(EdgeHealth.self, from: Data($0.utf8)) }
        health?.devices.removeAll { !scope.allows($0.substationID) }
        return EdgeRecord(
            edgeID: EdgeID(r.0), lastSeq: r.1, lastContact: SourceTime(epochMilliseconds: r.2), substations: visible, health: health)
    }

    static let scoreColumns = "substation_id, ts, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std, latest_value, model_version"
    /// A row of ``scoreColumns``.
    static func score(_ row: PostgresRow) throws -> AnomalyScore {
        var cells = PostgresRowCells(row)
        let substation = try cells.next(String.self)
        let ts = try cells.next(Int64.self)
        let anomalyScore = try cells.next(Double.self)
        return AnomalyScore(
            time: SourceTime(epochMilliseconds: ts), substationID: SubstationID(substation), anomalyScore: anomalyScore,
            isAnomaly: try cells.next(), zScore: try cells.next(), baselineMean: try cells.next(), baselineStd: try cells.next(),
            latestValue: try cells.next(), modelVersion: try cells.next(), classification: AnomalyClass(score: anomalyScore).rawValue)
    }
}
