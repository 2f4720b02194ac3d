import HopChunks
import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// `GET /api/query/ml/trend`, as on SQLite: each substation's normal scores thinned to the highest
/// per time bucket, every anomaly and the newest score kept; buckets of ten minutes or more come
/// from `score_peaks`. The newest `limit` rows when there are more, oldest first.
extension PostgresStore {
    public func scoreTrend(since: Int64, until: Int64, scope: SubstationScope, limit: Int, maxPointsPerSubstation: Int) async throws
        -> [AnomalyScore]
    {
        let logger = self.logger
        var rows = try await read { c in
            var subs: [String] = []
            for row in try await c.rows(Self.scoredSubstations, logger: logger) {
                let sub = try row.decode(String.self)
                if scope.allows(SubstationID(sub)) { subs.append(sub) }
            }
            let buckets = TrendBuckets(
                since: since, until: until, substations: subs.count, limit: limit, maxPointsPerSubstation: maxPointsPerSubstation)
            if buckets.fromPeaks {
                return try await Self.peakTrend(c, substations: subs, since: since, buckets: buckets, logger: logger)
            }
            let bucketMs = buckets.widthMs
            // Buckets counted from `since`: the database keeps each one's highest normal score (the
            // earliest of equal ones), so only the kept rows cross the wire and are decoded. One
            // substation at a time (see `peakTrend`), its scores in one row of arrays. The range is
            // written as bounds on the primary key's row: with `substation_id = s.sub AND ts >= …`
            // the planner takes `scores_ts` (the table is in time order, so that index looks
            // cheaper) and reads every substation's scores for each one: 6 hours of 20 substations
            // took 57 ms instead of 14, a day 229 instead of 72.
            var peaks: [String: [AnomalyScore]] = [:]
            try await c.eachRow(
                """
                SELECT s.sub, p.* FROM unnest(\(subs)::text[]) AS s(sub) CROSS JOIN LATERAL (
                  SELECT \(unescaped: Self.aggregatedScores()) FROM (
                    SELECT DISTINCT ON (bucket) * FROM (
                      SELECT *, (ts - \(since)) / \(bucketMs) AS bucket FROM scores
                      WHERE (substation_id, ts) >= (s.sub, \(since)) AND (substation_id, ts) <= (s.sub, \(Int64.max))
                        AND NOT is_anomaly) AS q
                    ORDER BY bucket, anomaly_score DESC, ts) AS w) AS p
                WHERE p.ts IS NOT NULL
                """, logger: logger)
            { row in
                let scores = try Self.scores(fromArrays: row)
                if let first = scores.first { peaks[first.substationID.rawValue] = scores }
            }
            return try await Self.withAnomaliesAndNewest(c, peaks: peaks, substations: subs, since: since, logger: logger)
        }
        rows.sort { $0.time != $1.time ? $0.time < $1.time : $0.substationID.rawValue < $1.substationID.rawValue }
        return rows.count > limit ? Array(rows.suffix(limit)) : rows
    }

    /// The substations with scores, in order, one primary-key probe each: PostgreSQL has no skip
    /// scan, and `SELECT DISTINCT substation_id FROM scores` reads every score (a week of one score
    /// per substation per minute is 10,080 rows per substation).
    static let scoredSubstations: PostgresQuery = """
        WITH RECURSIVE s (sub) AS (
          (SELECT substation_id FROM scores ORDER BY substation_id LIMIT 1)
          UNION ALL
          SELECT (SELECT substation_id FROM scores WHERE substation_id > s.sub ORDER BY substation_id LIMIT 1)
          FROM s WHERE s.sub IS NOT NULL)
        SELECT sub FROM s WHERE sub IS NOT NULL
        """

    /// Per substation: the highest normal score of each bucket (a ladder width of `TrendBuckets`,
    /// aligned to the epoch), every anomaly and the newest score, at or after `since`. Unsorted. Buckets of
    /// whole hours read the hourly peaks, others the ten-minute ones; the database thins the peaks
    /// to one per bucket where a bucket holds several.
    static func peakTrend(_ c: PostgresConnection, substations: [String], since: Int64, buckets: TrendBuckets, logger: Logger) async throws
        -> [AnomalyScore]
    {
        let bucketMs = buckets.widthMs
        let periodMs = buckets.isWholeHours ? TrendBuckets.hourMs : tierPeriodMs
        let firstWhole = MinuteStats.periodStart(since + periodMs - 1, widthMs: periodMs)
        // The period holding `since` has scores before it: its peak is taken from `scores`. It
        // lies in one bucket, as buckets are whole periods.
        var partial: [String: AnomalyScore] = [:]
        if firstWhole > since {
            try await c.eachRow(
                """
                SELECT DISTINCT ON (substation_id) \(unescaped: scoreColumns) FROM scores
                WHERE substation_id = ANY(\(substations)::text[]) AND ts >= \(since) AND ts < \(firstWhole) AND NOT is_anomaly
                ORDER BY substation_id, anomaly_score DESC, ts
                """, logger: logger)
            { row in
                let s = try score(row)
                partial[s.substationID.rawValue] = s
            }
        }
        // One substation at a time: its peaks come from the primary key (which carries every
        // column) in period order, and only its own rows are sorted into buckets. One sort of every
        // substation's rows compares substation names, and took three times as long (a week of 20
        // substations: 20,160 rows). Each substation's bucket peaks come back as one row of arrays.
        // A bucket of one period takes every peak as it is. (The times are integers, written inline.)
        let table = buckets.isWholeHours ? "score_peaks_hour" : "score_peaks"
        let periods = "SELECT * FROM \(table) WHERE substation_id = s.sub AND period >= \(firstWhole)"
        let bucketPeaks = bucketMs == periodMs ? periods : """
            SELECT DISTINCT ON (bucket) * FROM (SELECT *, ts / \(bucketMs) AS bucket FROM (\(periods)) AS r) AS q
            ORDER BY bucket, anomaly_score DESC, ts
            """
        let peakRows: PostgresQuery = """
            SELECT s.sub, p.* FROM unnest(\(substations)::text[]) AS s(sub) CROSS JOIN LATERAL (
              SELECT \(unescaped: aggregatedScores(isAnomaly: "false")) FROM (\(unescaped: bucketPeaks)) AS w) AS p
            WHERE p.ts IS NOT NULL
            """
        var peaks: [String: [AnomalyScore]] = [:]
        try await c.eachRow(peakRows, logger: logger) { row in
            let scores = try Self.scores(fromArrays: row)
            if let first = scores.first { peaks[first.substationID.rawValue] = scores }
        }
        // The partial period's peak is earlier than every whole period's: it opens its bucket, and
        // stays the bucket's peak unless a later one is higher.
        for (sub, first) in partial {
            let bucket = { (s: AnomalyScore) in MinuteStats.periodStart(s.time.epochMilliseconds, widthMs: bucketMs) }
            var list = (peaks[sub] ?? []).sorted { $0.time < $1.time }
            if let next = list.first, bucket(next) == bucket(first) {
                if first.anomalyScore >= next.anomalyScore { list[0] = first }
            } else {
                list.insert(first, at: 0)
            }
            peaks[sub] = list
        }
        return try await withAnomaliesAndNewest(c, peaks: peaks, substations: substations, since: since, logger: logger)
    }

    /// Each substation's bucket peaks (in any order) with every anomaly at or after `since` and the
    /// newest score, which shows where the substation stands now: kept even when its bucket peaked earlier.
    static func withAnomaliesAndNewest(
        _ c: PostgresConnection, peaks: [String: [AnomalyScore]], substations: [String], since: Int64, logger: Logger
    ) async throws -> [AnomalyScore] {
        var kept = peaks.values.flatMap { $0 }
        try await c.eachRow(
            """
            SELECT substation_id, \(unescaped: aggregatedScores()) FROM scores
            WHERE substation_id = ANY(\(substations)::text[]) AND ts >= \(since) AND is_anomaly
            GROUP BY substation_id
            """, logger: logger)
        { row in
            kept.append(contentsOf: try Self.scores(fromArrays: row))
        }
        try await c.eachRow(
            """
            SELECT n.* FROM unnest(\(substations)::text[]) AS s(sub)
            CROSS JOIN LATERAL (SELECT \(unescaped: scoreColumns) FROM scores WHERE substation_id = s.sub ORDER BY ts DESC LIMIT 1) AS n
            """, logger: logger)
        { row in
            let newest = try score(row)
            let best = peaks[newest.substationID.rawValue]?.max { $0.time < $1.time }
            if newest.time.epochMilliseconds >= since, !newest.isAnomaly, best?.time != newest.time { kept.append(newest) }
        }
        return kept
    }
}
