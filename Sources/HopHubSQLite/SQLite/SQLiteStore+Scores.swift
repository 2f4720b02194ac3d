import HopHubCore
import Foundation
import GRDB
import HopChunks
import HopProtocol

extension SQLiteStore: ScoreStore, LeaseStore {
    public func frequencyWindows(size: Int, freshSince: Int64) async throws -> [FrequencyWindow] {
        let subs = try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT substation_id FROM substations ORDER BY substation_id")
        }
        // Large fleets are read in parallel chunks (WAL readers don't block each other or the writer).
        let parts = subs.count >= 2000 ? max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) : 1
        let chunk = max(1, (subs.count + parts - 1) / parts)
        let slices = stride(from: 0, to: subs.count, by: chunk).map { Array(subs[$0..<min(subs.count, $0 + chunk)]) }
        return try await withThrowingTaskGroup(of: (Int, [FrequencyWindow]).self) { group in
            for (index, slice) in slices.enumerated() {
                group.addTask {
                    (index, try await self.pool.read { db in try Self.windows(db, substations: slice, size: size, freshSince: freshSince) })
                }
            }
            var parts = [[FrequencyWindow]](repeating: [], count: slices.count)
            for try await (index, windows) in group { parts[index] = windows }
            return parts.flatMap { $0 }
        }
    }

    /// The windows of `substations`, in order; newest `size` timestamps each, feeders averaged per timestamp.
    static func windows(_ db: Database, substations: [String], size: Int, freshSince: Int64) throws -> [FrequencyWindow] {
        // Uses the (substation_id, ts) index and stops after `size` groups.
        let statement = try db.cachedStatement(
            sql: """
                SELECT ts, avg(frequency_hz) FROM telemetry
                WHERE substation_id = ? AND frequency_hz IS NOT NULL
                GROUP BY ts ORDER BY ts DESC LIMIT ?
                """)
        var windows: [FrequencyWindow] = []
        windows.reserveCapacity(substations.count)
        var readings: [Double] = []
        readings.reserveCapacity(size)
        // Only chunks of the oldest head reading's block or later can reach into the window: the
        // lookup stays on a few index entries per substation instead of its whole history.
        let newestChunk = try db.cachedStatement(
            sql: "SELECT max(last_ts) FROM telemetry_chunks WHERE substation_id = ? AND block_start >= ?")
        for sub in substations {
            // A cursor reuses one row buffer: no per-row allocation across 10,000s of substations.
            statement.setUncheckedArguments([sub, size])
            let cursor = try Row.fetchCursor(statement)
            readings.removeAll(keepingCapacity: true)
            var latest: Int64?
            var oldest: Int64 = .max
            while let row = try cursor.next() {
                if latest == nil { latest = row[0] }
                oldest = row[0]
                readings.append(row[1])
            }
            // The head usually holds the whole window; when compacted readings could be among the
            // newest `size`, the window is read from the chunks and the head together.
            let since = readings.count < size ? Int64.min : TelemetryChunking.blockStart(oldest)
            if let chunked = try Int64.fetchOne(newestChunk, arguments: [sub, since]), readings.count < size || chunked >= oldest {
                let from = TelemetryChunking.blockStart(chunked) - TelemetryChunking.blockMs
                let merged = RawReading.frequencyByTime(try Self.rawReadings(db, substation: sub, from: from, to: .max)).suffix(size)
                readings = merged.reversed().map(\.hz)
                latest = merged.last?.ts
            }
            guard let latest, latest >= freshSince else { continue }
            windows.append(FrequencyWindow(substationID: SubstationID(sub), latestTs: latest, readings: readings.reversed()))
        }
        return windows
    }

    /// `GET /api/query/ml/trend`. Over a long range a substation has more scores than a chart can
    /// show (7 days at one a minute = 10,080): the range is cut into time buckets per substation
    /// and each keeps its highest normal score, while every anomaly and each substation's newest
    /// score are kept. The buckets are sized so that all substations' together fill about half
    /// of `limit` (the rest is room for anomalies), though never fewer than 100 per substation,
    /// and none has more than `maxPointsPerSubstation`. A bucket of ten minutes or more is rounded
    /// down to whole ten-minute periods aligned to the epoch and answered from `score_peaks`.
    /// When the answer still exceeds `limit`, the newest `limit` rows are returned (oldest first),
    /// so the chart's recent end is never the part cut off.
    public func scoreTrend(
        since: Int64, until: Int64, scope: SubstationScope, limit: Int, maxPointsPerSubstation: Int
    ) async throws -> [AnomalyScore] {
        var rows = try await pool.read { db in
            // The substations that have scores, one index seek each (a DISTINCT would read every row).
            let subs = try String.fetchAll(db, sql: """
                WITH RECURSIVE s(id) AS (
                  SELECT min(substation_id) FROM scores
                  UNION ALL SELECT (SELECT min(substation_id) FROM scores WHERE substation_id > s.id) FROM s WHERE s.id IS NOT NULL)
                SELECT id FROM s WHERE id IS NOT NULL
                """).filter { scope.allows(SubstationID($0)) }
            let buckets = TrendBuckets(
                since: since, until: until, substations: subs.count, limit: limit, maxPointsPerSubstation: maxPointsPerSubstation)
            // Buckets of a ladder width are whole ten-minute periods, read from their peaks.
            if buckets.fromPeaks {
                return try Self.peakTrend(db, substations: subs, since: since, bucketMs: buckets.widthMs)
            }
            let bucketMs = buckets.widthMs
            let statement = try db.cachedStatement(sql: """
                SELECT ts, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std, latest_value, model_version
                FROM scores WHERE substation_id = ? AND ts >= ? ORDER BY ts
                """)
            var kept: [AnomalyScore] = []
            for sub in subs {
                let id = SubstationID(sub)
                func score(_ row: Row) -> AnomalyScore {
                    let value: Double = row[1]
                    return AnomalyScore(
                        time: SourceTime(epochMilliseconds: row[0]), substationID: id, anomalyScore: value, isAnomaly: row[2],
                        zScore: row[3], baselineMean: row[4], baselineStd: row[5], latestValue: row[6], modelVersion: row[7],
                        classification: AnomalyClass(score: value).rawValue)
                }
                var bucket = Int64.min
                var best: AnomalyScore?
                var newest: (ts: Int64, anomaly: Bool)?
                let cursor = try Row.fetchCursor(statement, arguments: [sub, since])
                while let row = try cursor.next() {
                    let ts: Int64 = row[0]
                    let anomaly: Bool = row[2]
                    newest = (ts, anomaly)
                    if anomaly {
                        kept.append(score(row))
                        continue
                    }
                    let b = (ts - since) / bucketMs
                    if b != bucket {
                        if let best { kept.append(best) }
                        bucket = b
                        best = nil
                    }
                    if best == nil || (row[1] as Double) > best!.anomalyScore { best = score(row) }
                }
                if let best { kept.append(best) }
                // The newest score shows where the substation stands now: kept even when its bucket peaked earlier.
                if let newest, !newest.anomaly, best?.time.epochMilliseconds != newest.ts,
                    let row = try Row.fetchOne(db, sql: """
                        SELECT ts, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std, latest_value, model_version
                        FROM scores WHERE substation_id = ? AND ts = ?
                        """, arguments: [sub, newest.ts])
                {
                    kept.append(score(row))
                }
            }
            return kept
        }
        rows.sort { $0.time != $1.time ? $0.time < $1.time : $0.substationID.rawValue < $1.substationID.rawValue }
        return rows.count > limit ? Array(rows.suffix(limit)) : rows
    }

    public func writeScores(_ scores: [StoredScore]) async throws {
        guard !scores.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO scores (ts, substation_id, anomaly_score, is_anomaly, z_score, baseline_mean,
                      baseline_std, latest_value, model_version) VALUES (?,?,?,?,?,?,?,?,?)
                    """)
            for s in scores {
                let r = s.result
                try statement.execute(arguments: [
                    s.ts, s.substationID.rawValue, r.anomalyScore, r.isAnomaly, r.zScore, r.baselineMean, r.baselineStd,
                    r.latestValue, ScoringSettings.modelVersion,
                ])
                if AlertCandidate.from(s) != nil { try Self.insertPendingAlert(score: s, db) }
            }
        }
    }

    public func acquireLease(_ name: String, holder: String, now: Int64, ttlMs: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_leases (name, holder, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                    WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= ?
                    """,
                arguments: [name, holder, now + ttlMs, now])
            return try String.fetchOne(db, sql: "SELECT holder FROM job_leases WHERE name = ?", arguments: [name]) == holder
        }
    }
}
