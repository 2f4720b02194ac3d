import GRDB
import HopChunks
import HopHubCore
import HopProtocol

/// `ml/trend` over long ranges from `score_peaks` (each ten-minute period's highest normal score)
/// instead of every score: a week of one score a minute reads 1,008 peaks per substation, not
/// 10,080 scores. The answer is the one a scan of `scores` with the same buckets gives (tested).
extension SQLiteStore {
    static let scoreColumns = "ts, anomaly_score, z_score, baseline_mean, baseline_std, latest_value, model_version"

    /// Per substation: the highest normal score of each bucket of `bucketMs` (a multiple of ten
    /// minutes, aligned to the epoch; the earliest of equal ones), every anomaly, and the newest
    /// score, of the scores at or after `since`. Unsorted.
    static func peakTrend(_ db: Database, substations: [String], since: Int64, bucketMs: Int64) throws -> [AnomalyScore] {
        let firstWhole = MinuteStats.periodStart(since + tierPeriodMs - 1, widthMs: tierPeriodMs)
        let partial = try db.cachedStatement(sql: """
            SELECT \(scoreColumns) FROM scores WHERE substation_id = ? AND ts >= ? AND ts < ? AND is_anomaly = 0
            ORDER BY anomaly_score DESC, ts LIMIT 1
            """)
        let peaks = try db.cachedStatement(sql: "SELECT \(scoreColumns) FROM score_peaks WHERE substation_id = ? AND period >= ? ORDER BY period")
        // Through the partial index of anomalies: without statistics SQLite otherwise scans the
        // substation's every score by primary key (10,080 a week) for its hundred anomalies.
        let anomalies = try db.cachedStatement(sql: """
            SELECT \(scoreColumns) FROM scores INDEXED BY scores_anomalies
            WHERE substation_id = ? AND ts >= ? AND is_anomaly = 1 ORDER BY ts
            """)
        let newest = try db.cachedStatement(sql: "SELECT \(scoreColumns), is_anomaly FROM scores WHERE substation_id = ? ORDER BY ts DESC LIMIT 1")
        var kept: [AnomalyScore] = []
        for sub in substations {
            let id = SubstationID(sub)
            func score(_ row: Row, anomaly: Bool) -> AnomalyScore {
                let value: Double = row[1]
                return AnomalyScore(
                    time: SourceTime(epochMilliseconds: row[0]), substationID: id, anomalyScore: value, isAnomaly: anomaly,
                    zScore: row[2], baselineMean: row[3], baselineStd: row[4], latestValue: row[5], modelVersion: row[6],
                    classification: AnomalyClass(score: value).rawValue)
            }
            var bucket = Int64.min
            var best: AnomalyScore?
            func offer(_ row: Row) {
                let ts: Int64 = row[0]
                let b = MinuteStats.periodStart(ts, widthMs: bucketMs)
                if b != bucket {
                    if let best { kept.append(best) }
                    bucket = b
                    best = nil
                }
                if best == nil || (row[1] as Double) > best!.anomalyScore { best = score(row, anomaly: false) }
            }
            // The period holding `since` has scores before it: its peak is taken from `scores`.
            if firstWhole > since, let row = try Row.fetchOne(partial, arguments: [sub, since, firstWhole]) { offer(row) }
            let cursor = try Row.fetchCursor(peaks, arguments: [sub, firstWhole])
            while let row = try cursor.next() { offer(row) }
            if let best { kept.append(best) }
            let rows = try Row.fetchCursor(anomalies, arguments: [sub, since])
            while let row = try rows.next() { kept.append(score(row, anomaly: true)) }
            // The newest score shows where the substation stands now: kept even when its bucket peaked earlier.
            if let row = try Row.fetchOne(newest, arguments: [sub]), (row[0] as Int64) >= since, !(row[7] as Bool),
                best?.time.epochMilliseconds != (row[0] as Int64)
            {
                kept.append(score(row, anomaly: false))
            }
        }
        return kept
    }
}
