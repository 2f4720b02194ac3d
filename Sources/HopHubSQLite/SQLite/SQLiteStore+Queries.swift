import HopHubCore
import Foundation
import GRDB
import HopChunks
import HopProtocol

extension SQLiteStore: TelemetryQueries {
    public func latestReadings(since: Int64, scope: SubstationScope) async throws -> [LatestReading] {
        let filter = Self.scopeFilter("substation_id", scope)
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM telemetry_latest WHERE ts >= ?\(filter.sql) ORDER BY substation_id, feeder_id",
                arguments: [since] + filter.arguments
            ).map { row in
                LatestReading(
                    time: SourceTime(epochMilliseconds: row["ts"]), substationID: SubstationID(row["substation_id"] as String),
                    feederID: Self.feeder(row["feeder_id"]), deviceID: (row["device_id"] as String?).map(DeviceID.init),
                    siteName: row["site_name"], latitude: row["latitude"], longitude: row["longitude"],
                    values: Self.values(row))
            }
        }
    }

    public func timeSeries(substation: SubstationID, window: SeriesWindow) async throws
        -> (resolutionSeconds: Int, points: [TimeSeriesPoint])
    {
        try await pool.read { db in
            let sub = substation.rawValue
            let (resolution, counted) = try Self.resolution(db, window: window, substations: [sub])
            switch resolution {
            case .raw:
                let readings = try Self.rawReadings(db, substation: sub, from: window.from, to: window.to)
                return (0, readings.map { r in
                    TimeSeriesPoint(
                        time: SourceTime(epochMilliseconds: r.point.ts), feederID: Self.feeder(r.feederID),
                        values: MetricValues(
                            voltageKV: r.point.voltageKV, currentA: r.point.currentA, powerMW: r.point.powerMW,
                            frequencyHz: r.point.frequencyHz))
                })
            case .buckets(let seconds):
                let width = Int64(seconds) * 1000
                let from = MinuteBuckets.bucket(window.from, width)
                let feeders = try counted[sub] ?? Self.bucketInput(db, substation: sub, widthMs: width, from: from, to: window.to)
                return (seconds, MinuteBuckets.timeSeries(feeders, widthMs: width, from: from, to: window.to))
            }
        }
    }

    public func frequencySeries(window: SeriesWindow, scope: SubstationScope) async throws
        -> (resolutionSeconds: Int, series: [FrequencySeries])
    {
        let filter = Self.scopeFilter("substation_id", scope)
        return try await pool.read { db in
            let subs = try String.fetchAll(
                db, sql: "SELECT substation_id FROM substations WHERE 1\(filter.sql) ORDER BY substation_id",
                arguments: filter.arguments)
            let (resolution, counted) = try Self.resolution(db, window: window, substations: subs, only: .frequencyHz)
            var series: [FrequencySeries] = []
            for sub in subs {
                let points: [FrequencyPoint]
                switch resolution {
                case .raw:
                    points = RawReading.frequencyByTime(try Self.rawReadings(db, substation: sub, from: window.from, to: window.to))
                        .map { FrequencyPoint(time: SourceTime(epochMilliseconds: $0.ts), frequencyHz: $0.hz) }
                case .buckets(let seconds):
                    let width = Int64(seconds) * 1000
                    let from = MinuteBuckets.bucket(window.from, width)
                    let feeders = try counted[sub]?.map { QuantityColumns($0.minutes, .frequencyHz) }
                        ?? Self.quantityInput(
                            db, substation: sub, widthMs: width, from: from, to: window.to, column: .frequencyHz, cache: tierCache)
                    points = MinuteBuckets.frequency(feeders, widthMs: width, from: from, to: window.to)
                }
                if !points.isEmpty { series.append(FrequencySeries(substationID: SubstationID(sub), points: points)) }
            }
            return (resolution.seconds, series)
        }
    }

    /// Raw readings when the densest series in the window fits the point budget (counted from the
    /// per-minute statistics of every quantity, or only of `only`), rollup buckets otherwise. The
    /// minutes read for counting are returned too (per substation, from the window's first
    /// minute), for the buckets to reuse.
    static func resolution(_ db: Database, window: SeriesWindow, substations: [String], only: ChunkColumn? = nil) throws
        -> (SeriesResolution, [String: [FeederMinutes]])
    {
        let spanMinutes = (window.to - window.from) / 60_000
        if spanMinutes >= Int64(window.maxPoints) || substations.isEmpty || window.from < window.rawFrom {
            return (SeriesResolution.choose(window: window, rawPointsPerSeries: .max), [:])
        }
        var densest = 0
        var read: [String: [FeederMinutes]] = [:]
        let from = MinuteStats.minuteStart(window.from)
        for sub in substations {
            let feeders = try minutes(db, substation: sub, from: from, to: window.to, only: only)
            densest = max(densest, feeders.map(\.readings).max() ?? 0)
            read[sub] = feeders
        }
        let resolution = SeriesResolution.choose(window: window, rawPointsPerSeries: densest)
        // The buckets start at a multiple of their width, which may be before the first minute read.
        if case .buckets(let seconds) = resolution, MinuteBuckets.bucket(window.from, Int64(seconds) * 1000) < from { read = [:] }
        return (resolution, read)
    }

    public func events(since: Int64, scope: SubstationScope, limit: Int) async throws -> [EventRecord] {
        let filter = Self.scopeFilter("substation_id", scope)
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE ts >= ?\(filter.sql) ORDER BY ts DESC, id DESC LIMIT ?",
                arguments: [since] + filter.arguments + [limit]
            ).map(Self.eventRecord)
        }
    }

    public func activeOutages(scope: SubstationScope) async throws -> [OutageRecord] {
        let filter = Self.scopeFilter("substation_id", scope)
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM outages WHERE active = 1\(filter.sql) ORDER BY ts DESC",
                arguments: filter.arguments
            ).map(Self.outageRecord)
        }
    }

    public func substations(scope: SubstationScope, activeSince: Int64) async throws -> [SubstationInfo] {
        let filter = Self.scopeFilter("substation_id", scope)
        return try await pool.read { db in
            var feeders: [String: [FeederID]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT substation_id, feeder_id FROM telemetry_latest WHERE feeder_id != ''\(filter.sql) ORDER BY feeder_id",
                arguments: filter.arguments)
            {
                feeders[row["substation_id"], default: []].append(FeederID(row["feeder_id"] as String))
            }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM substations WHERE 1\(filter.sql) ORDER BY substation_id", arguments: filter.arguments
            ).map { row in
                let id: String = row["substation_id"]
                let lastSeen: Int64 = row["last_seen"]
                return SubstationInfo(
                    substationID: SubstationID(id), siteName: row["site_name"], latitude: row["latitude"],
                    longitude: row["longitude"], firstSeen: SourceTime(epochMilliseconds: row["first_seen"]),
                    lastSeen: SourceTime(epochMilliseconds: lastSeen), active: lastSeen >= activeSince,
                    feeders: feeders[id] ?? [])
            }
        }
    }

    public func latestScores(scope: SubstationScope) async throws -> [AnomalyScore] {
        let filter = Self.scopeFilter("s.substation_id", scope)
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.* FROM scores s JOIN (SELECT substation_id, max(ts) AS ts FROM scores GROUP BY substation_id) m
                      ON s.substation_id = m.substation_id AND s.ts = m.ts
                    WHERE 1\(filter.sql) ORDER BY s.substation_id
                    """,
                arguments: filter.arguments
            ).map(Self.score)
        }
    }

    public func edges(scope: SubstationScope) async throws -> [EdgeRecord] {
        // Rows are decoded inside the read: `[Row]` is not Sendable, and returning it would select
        // GRDB's blocking `read` on the cooperative pool.
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM edges ORDER BY edge_id").compactMap { Self.edgeRecord($0, scope: scope) }
        }
    }

    static func feeder(_ text: String?) -> FeederID? {
        guard let text, !text.isEmpty else { return nil }
        return FeederID(text)
    }

    static func values(_ row: Row) -> MetricValues {
        MetricValues(voltageKV: row["voltage_kv"], currentA: row["current_a"], powerMW: row["power_mw"], frequencyHz: row["frequency_hz"])
    }

    static func score(_ row: Row) -> AnomalyScore {
        let score: Double = row["anomaly_score"]
        return AnomalyScore(
            time: SourceTime(epochMilliseconds: row["ts"]), substationID: SubstationID(row["substation_id"] as String),
            anomalyScore: score, isAnomaly: row["is_anomaly"], zScore: row["z_score"], baselineMean: row["baseline_mean"],
            baselineStd: row["baseline_std"], latestValue: row["latest_value"], modelVersion: row["model_version"],
            classification: AnomalyClass(score: score).rawValue)
    }

    /// An `events` row as served by the query API and the live stream.
    static func eventRecord(_ row: Row) -> EventRecord {
        EventRecord(
            id: row["id"], time: SourceTime(epochMilliseconds: row["ts"]),
            event: GridEvent(
                substationID: (row["substation_id"] as String?).map(SubstationID.init),
                deviceID: (row["device_id"] as String?).map(DeviceID.init),
                feederID: (row["feeder_id"] as String?).map(FeederID.init),
                severity: row["severity"], eventType: row["event_type"], oldState: row["old_state"],
                newState: row["new_state"], message: row["message"], latitude: row["latitude"],
                longitude: row["longitude"]))
    }

    /// An `edges` row as served by the query API and the live stream, trimmed to `scope`; nil when the
    /// scope sees none of the edge's substations.
    static func edgeRecord(_ row: Row, scope: SubstationScope) -> EdgeRecord? {
        let subs = (row["substations"] as String).split(separator: ",").map { SubstationID(String($0)) }
        let visible = subs.filter { scope.allows($0) }
        if scope != .all && visible.isEmpty { return nil }
        var health = (row["health_json"] as String?).flatMap {
            try? JSONDecoder().decode(EdgeHealth.self, from: Data($0.utf8))
        }
        health?.devices.removeAll { !scope.allows($0.substationID) }
        return EdgeRecord(
            edgeID: EdgeID(row["edge_id"] as String), lastSeq: row["high_water_seq"],
            lastContact: SourceTime(epochMilliseconds: row["last_contact"]), substations: visible, health: health)
    }

    /// An `outages` row as served by the query API and the live stream.
    static func outageRecord(_ row: Row) -> OutageRecord {
        OutageRecord(
            time: SourceTime(epochMilliseconds: row["ts"]),
            outage: Outage(
                outageID: OutageID(row["outage_id"] as String),
                substationID: (row["substation_id"] as String?).map(SubstationID.init),
                feederID: (row["feeder_id"] as String?).map(FeederID.init), customersOut: row["customers_out"],
                mwInterrupted: row["mw_interrupted"], status: row["status"], cause: row["cause"],
                // An estimate outside the years 0001…9999 (stored before they were enforced) reads as none.
                region: row["region"], etrTime: (row["etr_time"] as Int64?).flatMap(SourceTime.init(checkedEpochMilliseconds:)),
                latitude: row["latitude"], longitude: row["longitude"]))
    }
}
