import HopHubCore
import HopProtocol
import PostgresNIO

/// The query endpoints' reads; the time series and scores are in `PostgresStore+Series` and `+ScoreTrend`.
extension PostgresStore: TelemetryQueries {
    public func latestReadings(since: Int64, scope: SubstationScope) async throws -> [LatestReading] {
        let (all, ids) = Self.scopeBinds(scope)
        let rows = try await fetch(
            """
            SELECT substation_id, feeder_id, ts, device_id, site_name, latitude, longitude,
              voltage_kv, current_a, power_mw, frequency_hz
            FROM telemetry_latest WHERE ts >= \(since) AND (\(all) OR substation_id = ANY(\(ids)::text[]))
            ORDER BY substation_id, feeder_id
            """)
        var result: [LatestReading] = []
        for r in try rows.decode((String, String, Int64, String?, String?, Double?, Double?, Double?, Double?, Double?, Double?).self) {
            result.append(LatestReading(
                time: SourceTime(epochMilliseconds: r.2), substationID: SubstationID(r.0), feederID: Self.feeder(r.1),
                deviceID: r.3.map(DeviceID.init), siteName: r.4, latitude: r.5, longitude: r.6,
                values: MetricValues(voltageKV: r.7, currentA: r.8, powerMW: r.9, frequencyHz: r.10)))
        }
        return result
    }

    public func events(since: Int64, scope: SubstationScope, limit: Int) async throws -> [EventRecord] {
        let (all, ids) = Self.scopeBinds(scope)
        let rows = try await fetch(
            """
            SELECT \(unescaped: Self.eventColumns) FROM events
            WHERE ts >= \(since) AND (\(all) OR substation_id = ANY(\(ids)::text[]))
            ORDER BY ts DESC, id DESC LIMIT \(Int64(limit))
            """)
        var result: [EventRecord] = []
        for r in try rows.decode(EventRow.self) { result.append(Self.eventRecord(r)) }
        return result
    }

    public func activeOutages(scope: SubstationScope) async throws -> [OutageRecord] {
        let (all, ids) = Self.scopeBinds(scope)
        let rows = try await fetch(
            """
            SELECT \(unescaped: Self.outageColumns) FROM outages
            WHERE active AND (\(all) OR substation_id = ANY(\(ids)::text[])) ORDER BY ts DESC
            """)
        var result: [OutageRecord] = []
        for r in try rows.decode(OutageRow.self) { result.append(Self.outageRecord(r)) }
        return result
    }

    public func substations(scope: SubstationScope, activeSince: Int64) async throws -> [SubstationInfo] {
        let (all, ids) = Self.scopeBinds(scope)
        var feeders: [String: [FeederID]] = [:]
        let feederRows = try await fetch(
            """
            SELECT substation_id, feeder_id FROM telemetry_latest
            WHERE feeder_id <> '' AND (\(all) OR substation_id = ANY(\(ids)::text[])) ORDER BY feeder_id
            """)
        for (sub, feeder) in try feederRows.decode((String, String).self) { feeders[sub, default: []].append(FeederID(feeder)) }
        let rows = try await fetch(
            """
            SELECT substation_id, site_name, latitude, longitude, first_seen, last_seen FROM substations
            WHERE (\(all) OR substation_id = ANY(\(ids)::text[])) ORDER BY substation_id
            """)
        var result: [SubstationInfo] = []
        for r in try rows.decode((String, String?, Double?, Double?, Int64, Int64).self) {
            result.append(SubstationInfo(
                substationID: SubstationID(r.0), siteName: r.1, latitude: r.2, longitude: r.3,
                firstSeen: SourceTime(epochMilliseconds: r.4), lastSeen: SourceTime(epochMilliseconds: r.5),
                active: r.5 >= activeSince, feeders: feeders[r.0] ?? []))
        }
        return result
    }

    public func latestScores(scope: SubstationScope) async throws -> [AnomalyScore] {
        let (all, ids) = Self.scopeBinds(scope)
        let rows = try await fetch(
            """
            SELECT DISTINCT ON (substation_id) \(unescaped: Self.scoreColumns) FROM scores
            WHERE (\(all) OR substation_id = ANY(\(ids)::text[])) ORDER BY substation_id, ts DESC
            """)
        var result: [AnomalyScore] = []
        for row in rows { result.append(try Self.score(row)) }
        return result
    }

    public func edges(scope: SubstationScope) async throws -> [EdgeRecord] {
        let rows = try await fetch("SELECT \(unescaped: Self.edgeColumns) FROM edges ORDER BY edge_id")
        var result: [EdgeRecord] = []
        for r in try rows.decode(EdgeRow.self) {
            if let record = Self.edgeRecord(r, scope: scope) { result.append(record) }
        }
        return result
    }
}
