import Foundation
import GRDB
import HopChunks
import HopProtocol
import PostgresNIO
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubPostgres
@testable import HopHubSQLite

/// `ml/trend` over long ranges reads each ten-minute period's peak (`score_peaks`, kept by triggers)
/// instead of every score; its answer is the scan's with the same buckets, after rewrites,
/// retention, and on a database of the previous schema that gains the tiers in place.
@Suite struct ScorePeaksTests {
    static let minute: Int64 = 60_000
    static let base = ChunkedTelemetryTests.base
    static let subs = ["SUB001", "SUB002", "SUB003"]

    static func score(_ ts: Int64, _ sub: String, _ value: Double, anomaly: Bool = false) -> StoredScore {
        StoredScore(ts: ts, substationID: SubstationID(sub), result: ZScoreModel.Result(
            anomalyScore: value, isAnomaly: anomaly, zScore: value * 3, baselineMean: 60, baselineStd: 0.01, latestValue: 60 + value,
            classification: anomaly ? .anomaly : .normal))
    }

    /// Two days of one score a minute (jittered) per substation; scores repeat (ties), some anomalies.
    static func scores() -> [StoredScore] {
        var rng = SplitMix(11)
        var out: [StoredScore] = []
        for m in 0..<(2 * 1440) {
            for sub in subs {
                let r = rng.next()
                let ts = base + Int64(m) * minute + Int64(r % 50_000)
                out.append(r % 97 == 0 ? score(ts, sub, 0.95, anomaly: true) : score(ts, sub, Double((r >> 8) % 20) / 20))
            }
        }
        return out
    }

    /// Every stored score, as the trend serves it.
    static func allScores(_ store: any HubStore) async throws -> [AnomalyScore] {
        if let pg = store as? PostgresStore {
            var scores: [AnomalyScore] = []
            let rows = try await pg.client.query(PostgresQuery(unsafeSQL: "SELECT \(PostgresStore.scoreColumns) FROM scores"))
            for try await row in rows { scores.append(try PostgresStore.score(row)) }
            return scores
        }
        let sqlite = try #require(store as? SQLiteStore)
        return try await sqlite.pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM scores").map(SQLiteStore.score) }
    }

    /// What the trend must hold: a scan of every score from `since` with buckets aligned to `origin`
    /// (the epoch for buckets of ten minutes or more, `since` for shorter ones).
    static func reference(_ store: any HubStore, since: Int64, bucketMs: Int64, origin: Int64 = 0) async throws -> Set<String> {
        let all = try await allScores(store).sorted { $0.time < $1.time }
        var kept = Set<String>()
        for sub in subs {
            var bucket = Int64.min
            var best: (ts: Int64, score: Double)?
            var newest: (ts: Int64, anomaly: Bool)?
            for s in all where s.substationID.rawValue == sub && s.time.epochMilliseconds >= since {
                let ts = s.time.epochMilliseconds
                newest = (ts, s.isAnomaly)
                if s.isAnomaly {
                    kept.insert("\(sub)@\(ts)")
                    continue
                }
                let b = MinuteStats.periodStart(ts - origin, widthMs: bucketMs)
                if b != bucket {
                    if let best { kept.insert("\(sub)@\(best.ts)") }
                    bucket = b
                    best = nil
                }
                if best == nil || s.anomalyScore > best!.score { best = (ts, s.anomalyScore) }
            }
            if let best { kept.insert("\(sub)@\(best.ts)") }
            if let newest, !newest.anomaly { kept.insert("\(sub)@\(newest.ts)") }
        }
        return kept
    }

    /// The trend over two days with a limit of 600: 100 points asked per substation, 28.8 minutes,
    /// rounded up to 30-minute buckets of ten-minute peaks. With `maxPoints` 48, buckets of one
    /// hour (the hourly peaks as they are); with 20, 2.4 hours rounded up to three (hourly peaks thinned).
    /// With `short`, six hours from `since`: 100 buckets of 3.6 minutes per substation, counted from `since`.
    static func expectTrendMatchesScan(
        _ store: any HubStore, since: Int64, _ context: String, short: Bool = false, maxPoints: Int = 1500,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let until = short ? since + 360 * minute : base + 2 * 1440 * minute
        let thinned = try await store.scoreTrend(since: since, until: until, scope: .all, limit: 600, maxPointsPerSubstation: maxPoints)
        let got = thinned.map { "\($0.substationID)@\($0.time.epochMilliseconds)" }
        #expect(Set(got).count == got.count, "\(context): no score twice", sourceLocation: sourceLocation)
        let bucketMs = [1500: 30 * minute, 48: 60 * minute, 20: 180 * minute][maxPoints]!
        // Past the limit the newest rows are kept, as the trend does.
        let scanned = try await (short ? reference(store, since: since, bucketMs: 216_000, origin: since)
                                       : reference(store, since: since, bucketMs: bucketMs)).sorted { a, b in
            let (x, y) = (a.split(separator: "@"), b.split(separator: "@"))
            return x[1] != y[1] ? Int64(x[1])! < Int64(y[1])! : x[0] < y[0]
        }
        let want = Set(scanned.suffix(600))
        #expect(Set(got) == want, "\(context) (\(maxPoints) points): \(Set(got).subtracting(want).sorted().prefix(3)) vs \(want.subtracting(got).sorted().prefix(3))", sourceLocation: sourceLocation)
        let full = Dictionary(
            try await allScores(store).map { ("\($0.substationID)@\($0.time.epochMilliseconds)", $0) }, uniquingKeysWith: { a, _ in a })
        for s in thinned { #expect(full["\(s.substationID)@\(s.time.epochMilliseconds)"] == s, "\(context): whole rows", sourceLocation: sourceLocation) }
    }

    /// ``expectTrendMatchesScan`` at each long width: 30-minute, one-hour and three-hour buckets.
    static func expectTrendsMatchScan(
        _ store: any HubStore, since: Int64, _ context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for maxPoints in [1500, 48, 20] {
            try await expectTrendMatchesScan(store, since: since, context, maxPoints: maxPoints, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func theTrendFromPeaksIsTheScanThroughRewritesAndRetention(_ backend: StoreContractTests.Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let all = Self.scores()
        try await store.writeScores(all)
        try await Self.expectTrendsMatchScan(store, since: Self.base + 7 * Self.minute + 13_000, "written")
        try await Self.expectTrendsMatchScan(store, since: Self.base + 30 * Self.minute, "from a period start")
        // Buckets under ten minutes come from `scores` itself, counted from `since`.
        try await Self.expectTrendMatchesScan(store, since: Self.base + 2 * 1440 * Self.minute - 360 * Self.minute + 7_000, "short", short: true)
        // Rewrites of the same source times: peaks lowered, a normal score turned anomaly, and back.
        let rewritten = all.enumerated().filter { $0.offset % 5 == 0 }.map { i, s in
            i % 2 == 0 ? Self.score(s.ts, s.substationID.rawValue, 0) : Self.score(s.ts, s.substationID.rawValue, 0.97, anomaly: true)
        }
        try await store.writeScores(rewritten)
        try await Self.expectTrendsMatchScan(store, since: Self.base + 7 * Self.minute + 13_000, "rewritten")
        let update = "UPDATE scores SET anomaly_score = 0.5, is_anomaly = false WHERE is_anomaly = true AND substation_id = 'SUB002'"
        try await StoreTestData.execute(store, sqlite: update, postgres: update)
        try await Self.expectTrendsMatchScan(store, since: Self.base, "updated in place")
        let cutoff = Self.base + 1440 * Self.minute + 5 * Self.minute + 30_000
        _ = try await store.applyRetention(rawBefore: 0, rollupBefore: 0, eventsBefore: 0, scoresBefore: cutoff)
        #expect(try await ChunkedTelemetryTests.count(store, "SELECT count(*) FROM score_peaks WHERE ts < \(cutoff)") == 0)
        try await Self.expectTrendsMatchScan(store, since: Self.base, "after retention")
        if store is PostgresStore {
            #expect(try await ChunkedTelemetryTests.count(store, "SELECT count(*) FROM score_peaks_hour WHERE ts < \(cutoff)") == 0)
            #expect(try await Self.hourlyPeaksDifferingFromScores(store) == 0, "after retention")
        }
    }

    /// PostgreSQL's `score_peaks_hour` rows that are not each hour's highest normal score (the
    /// earliest of equal ones) computed from `scores` directly, and hours it lacks.
    static func hourlyPeaksDifferingFromScores(_ store: any HubStore) async throws -> Int {
        try await ChunkedTelemetryTests.count(store, """
            WITH want AS (
              SELECT DISTINCT ON (substation_id, hour) substation_id, hour, ts, anomaly_score, z_score, latest_value, model_version
              FROM (SELECT *, ts - (((ts % 3600000) + 3600000) % 3600000) AS hour FROM scores WHERE NOT is_anomaly) AS s
              ORDER BY substation_id, hour, anomaly_score DESC, ts),
            got AS (SELECT substation_id, period, ts, anomaly_score, z_score, latest_value, model_version FROM score_peaks_hour)
            SELECT count(*) FROM ((SELECT * FROM want EXCEPT SELECT * FROM got) UNION ALL (SELECT * FROM got EXCEPT SELECT * FROM want)) AS d
            """)
    }

    /// PostgreSQL keeps `score_peaks_hour` through writes, rewrites, updates in place and deletes of
    /// peaks; the migration's backfill (for a database that had scores before the table) builds the
    /// same rows from the ten-minute peaks.
    @Test func postgresHourlyPeaksFollowEveryChangeAndTheBackfillAgrees() async throws {
        let store = try await StoreContractTests.makeStore(.postgres)
        let all = Self.scores()
        try await store.writeScores(all)
        #expect(try await ChunkedTelemetryTests.count(store, "SELECT count(*) FROM score_peaks_hour") == 3 * 48)
        #expect(try await Self.hourlyPeaksDifferingFromScores(store) == 0, "written")
        try await store.writeScores(all.enumerated().filter { $0.offset % 3 == 0 }.map { i, s in
            i % 2 == 0 ? Self.score(s.ts, s.substationID.rawValue, 0) : Self.score(s.ts, s.substationID.rawValue, 0.97, anomaly: true)
        })
        #expect(try await Self.hourlyPeaksDifferingFromScores(store) == 0, "rewritten")
        let changes = [
            "UPDATE scores SET anomaly_score = anomaly_score / 2 WHERE substation_id = 'SUB001' AND ts % 7 = 0",
            "DELETE FROM scores WHERE (substation_id, ts) IN (SELECT substation_id, ts FROM score_peaks_hour WHERE period % 7200000 = 0)",
            "DELETE FROM scores WHERE substation_id = 'SUB003' AND ts < \(Self.base + 300 * Self.minute)",
        ]
        for change in changes {
            try await StoreTestData.execute(store, sqlite: "", postgres: change)
            #expect(try await Self.hourlyPeaksDifferingFromScores(store) == 0, "\(change)")
        }
        let before = try await ChunkedTelemetryTests.count(store, "SELECT count(*) FROM score_peaks_hour")
        try await StoreTestData.execute(store, sqlite: "", postgres: "TRUNCATE score_peaks_hour")
        try await StoreTestData.execute(store, sqlite: "", postgres: PostgresSchema.scorePeakHours.statements[1])
        #expect(try await ChunkedTelemetryTests.count(store, "SELECT count(*) FROM score_peaks_hour") == before)
        #expect(try await Self.hourlyPeaksDifferingFromScores(store) == 0, "backfilled")
    }

    /// A substation whose scores in the range are all anomalies has no bucket peaks: its anomalies
    /// and newest score are answered all the same, over a short and a long range.
    @Test(arguments: StoreContractTests.Backend.allCases)
    func aSubstationWithOnlyAnomaliesIsAnswered(_ backend: StoreContractTests.Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let times = (0..<30).map { Self.base + Int64($0) * Self.minute }
        try await store.writeScores(times.map { Self.score($0, "SUB001", 0.3) } + times.map { Self.score($0, "SUB002", 0.97, anomaly: true) })
        for until in [Self.base + 360 * Self.minute, Self.base + 2 * 1440 * Self.minute] {
            let trend = try await store.scoreTrend(since: Self.base, until: until, scope: .all, limit: 600, maxPointsPerSubstation: 1500)
            #expect(trend.filter { $0.substationID == "SUB002" }.map(\.time.epochMilliseconds) == times)
            #expect(trend.contains { $0.substationID == "SUB001" } && trend.allSatisfy { $0.substationID == "SUB001" || $0.isAnomaly })
        }
    }

    /// PostgreSQL's trigger writes a period's peak only when a score beats it: a lower or later
    /// equal score leaves the row as it was (the same row version, `xmin`), a higher or earlier
    /// equal one replaces it, and deleting a score that is not the peak leaves it too.
    @Test func postgresWritesAPeakOnlyWhenAScoreBeatsIt() async throws {
        let store = try #require(try await StoreContractTests.makeStore(.postgres) as? PostgresStore)
        let period = Self.base - Self.base % (10 * Self.minute)
        func peak() async throws -> (ts: Int64, version: String) {
            let rows = try await store.client.query(PostgresQuery(unsafeSQL: "SELECT ts, xmin::text FROM score_peaks WHERE substation_id = 'SUB001' AND period = \(period)"))
            var found: [(Int64, String)] = []
            for try await (ts, version) in rows.decode((Int64, String).self) { found.append((ts, version)) }
            #expect(found.count == 1)
            return try #require(found.first)
        }
        try await store.writeScores([Self.score(period + 2 * Self.minute, "SUB001", 0.5)])
        let first = try await peak()
        #expect(first.ts == period + 2 * Self.minute)
        try await store.writeScores([Self.score(period + 3 * Self.minute, "SUB001", 0.4), Self.score(period + 4 * Self.minute, "SUB001", 0.5),
                                     Self.score(period + 5 * Self.minute, "SUB001", 0.99, anomaly: true)])
        #expect(try await peak() == first, "lower, later equal and anomalous scores leave the peak's row alone")
        try await StoreTestData.execute(store, sqlite: "", postgres: "DELETE FROM scores WHERE ts = \(period + 3 * Self.minute)")
        #expect(try await peak() == first, "deleting a score that is not the peak leaves it alone")
        try await store.writeScores([Self.score(period + Self.minute, "SUB001", 0.5)])
        #expect(try await peak().ts == period + Self.minute, "an earlier equal score takes over")
        try await store.writeScores([Self.score(period + 6 * Self.minute, "SUB001", 0.7)])
        #expect(try await peak().ts == period + 6 * Self.minute, "a higher score takes over")
        try await StoreTestData.execute(store, sqlite: "", postgres: "DELETE FROM scores WHERE ts = \(period + 6 * Self.minute)")
        #expect(try await peak().ts == period + Self.minute, "deleting the peak recomputes the period")
    }

    @Test func aDatabaseOfTheMinuteStatisticsSchemaGainsBothTiersInPlace() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-v8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("hop.sqlite").path
        // What the previous schema holds: compacted minute statistics and scores, no tiers.
        let v8 = try DatabasePool(path: path)
        try SQLiteSchema.migrator.migrate(v8, upTo: "v8-telemetry-minutes")
        try await v8.write { db in
            let readings = TenMinuteTierTests.readings()
            let series = Dictionary(grouping: readings) { "\($0.substationID.rawValue)|\($0.feederID?.rawValue ?? "")|\(TelemetryChunking.blockStart($0.ts!.epochMilliseconds))" }
            for (key, group) in series {
                let parts = key.split(separator: "|").map(String.init)
                let points = ChunkPoints.merge([], group.map {
                    ChunkPoint(ts: $0.ts!.epochMilliseconds, voltageKV: $0.voltageKV, currentA: $0.currentA, powerMW: $0.powerMW, frequencyHz: $0.frequencyHz)
                })
                let minutes = MinuteStats.summarise(points)
                try db.execute(
                    sql: "INSERT INTO telemetry_minutes (substation_id, feeder_id, block_start, minutes, last_minute, data) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [parts[0], parts[1], Int64(parts[2])!, minutes.count, minutes.last!.minute, Data(try MinuteStatsCodec.encode(minutes))])
            }
            for s in Self.scores() {
                try db.execute(
                    sql: """
                        INSERT INTO scores (ts, substation_id, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std, latest_value, model_version)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'zscore-v1')
                        """,
                    arguments: [s.ts, s.substationID.rawValue, s.result.anomalyScore, s.result.isAnomaly, s.result.zScore, s.result.baselineMean,
                                s.result.baselineStd, s.result.latestValue])
            }
        }
        try v8.close()
        let store = try SQLiteStore(path: path)  // migrates in place
        #expect(try await ChunkedTelemetryTests.count(store, "SELECT count(*) FROM telemetry_ten_minutes") == 2 * 2 * 2)
        #expect(try await ChunkedTelemetryTests.count(store, "SELECT count(*) FROM score_peaks") > 3 * 280)
        try await TenMinuteTierTests.expectTierMatchesMinutes(store, "upgraded")
        try await Self.expectTrendMatchesScan(store, since: Self.base + 7 * Self.minute + 13_000, "upgraded")
        try await store.close()
    }
}
