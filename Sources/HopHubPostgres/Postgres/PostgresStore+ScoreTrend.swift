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
            let perSubstation = max(1, min(maxPointsPerSubstation, max(100, limit / max(1, 2 * subs.count))))
            let bucketMs = max(1, (until - since) / Int64(perSubstation))
            if bucketMs >= Self.tierPeriodMs {
                return try await Self.peakTrend(
                    c, substations: subs, since: since, bucketMs: bucketMs / Self.tierPeriodMs * Self.tierPeriodMs, logger: logger)
            }
            var kept: [AnomalyScore] = []
            var sub: String?
            var bucket = Int64.min
            var best: AnomalyScore?
            var newest: AnomalyScore?
            func finishSubstation() {
                if let best { kept.append(best) }
                // The newest score shows where the substation stands now: kept even when its bucket peaked earlier.
                if let newest, !newest.isAnomaly, best?.time != newest.time { kept.append(newest) }
                bucket = .min
                best = nil
                newest = nil
            }
            for row in try await c.rows(
                """
                SELECT \(unescaped: Self.scoreColumns) FROM scores WHERE substation_id = ANY(\(subs)::text[]) AND ts >= \(since)
                ORDER BY substation_id, ts
                """, logger: logger)
            {
                let score = Self.score(try row.decode(ScoreRow.self))
                if score.substationID.rawValue != sub {
                    finishSubstation()
                    sub = score.substationID.rawValue
                }
                newest = score
                if score.isAnomaly {
                    kept.append(score)
                    continue
                }
                let b = (score.time.epochMilliseconds - since) / bucketMs
                if b != bucket {
                    if let best { kept.append(best) }
                    bucket = b
                    best = nil
                }
                if best == nil || score.anomalyScore > best!.anomalyScore { best = score }
            }
            finishSubstation()
            return kept
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

    /// Per substation: the highest normal score of each bucket of `bucketMs` (a multiple of ten
    /// minutes), every anomaly and the newest score, at or after `since`. Unsorted. Four statements
    /// for all substations.
    static func peakTrend(_ c: PostgresConnection, substations: [String], since: Int64, bucketMs: Int64, logger: Logger) async throws
        -> [AnomalyScore]
    {
        let firstWhole = MinuteStats.periodStart(since + tierPeriodMs - 1, widthMs: tierPeriodMs)
        var peaks: [String: [AnomalyScore]] = [:]
        // The period holding `since` has scores before it: its peak is taken from `scores`.
        if firstWhole > since {
            for row in try await c.rows(
                """
                SELECT DISTINCT ON (substation_id) \(unescaped: scoreColumns) FROM scores
                WHERE substation_id = ANY(\(substations)::text[]) AND ts >= \(since) AND ts < \(firstWhole) AND NOT is_anomaly
                ORDER BY substation_id, anomaly_score DESC, ts
                """, logger: logger)
            {
                let s = score(try row.decode(ScoreRow.self))
                peaks[s.substationID.rawValue, default: []].append(s)
            }
        }
        for row in try await c.rows(
            """
            SELECT substation_id, ts, anomaly_score, false, z_score, baseline_mean, baseline_std, latest_value, model_version
            FROM score_peaks WHERE substation_id = ANY(\(substations)::text[]) AND period >= \(firstWhole) ORDER BY substation_id, period
            """, logger: logger)
        {
            let s = score(try row.decode(ScoreRow.self))
            peaks[s.substationID.rawValue, default: []].append(s)
        }
        var kept: [AnomalyScore] = []
        var bestOf: [String: AnomalyScore] = [:]
        for sub in substations {
            var bucket = Int64.min
            var best: AnomalyScore?
            for s in peaks[sub] ?? [] {
                let b = MinuteStats.periodStart(s.time.epochMilliseconds, widthMs: bucketMs)
                if b != bucket {
                    if let best { kept.append(best) }
                    bucket = b
                    best = nil
                }
                if best == nil || s.anomalyScore > best!.anomalyScore { best = s }
            }
            if let best {
                kept.append(best)
                bestOf[sub] = best
            }
        }
        for row in try await c.rows(
            """
            SELECT \(unescaped: scoreColumns) FROM scores
            WHERE substation_id = ANY(\(substations)::text[]) AND ts >= \(since) AND is_anomaly ORDER BY substation_id, ts
            """, logger: logger)
        {
            kept.append(score(try row.decode(ScoreRow.self)))
        }
        // The newest score shows where the substation stands now: kept even when its bucket peaked earlier.
        for row in try await c.rows(
            """
            SELECT n.* FROM unnest(\(substations)::text[]) AS s(sub)
            CROSS JOIN LATERAL (SELECT \(unescaped: scoreColumns) FROM scores WHERE substation_id = s.sub ORDER BY ts DESC LIMIT 1) AS n
            """, logger: logger)
        {
            let newest = score(try row.decode(ScoreRow.self))
            let best = bestOf[newest.substationID.rawValue]
            if newest.time.epochMilliseconds >= since, !newest.isAnomaly, best?.time != newest.time { kept.append(newest) }
        }
        return kept
    }
}
