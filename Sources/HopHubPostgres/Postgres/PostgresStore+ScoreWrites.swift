import HopHubCore
import HopProtocol
import PostgresNIO

/// Scores written by the scorer: one statement per batch, a score of an existing (substation, ts)
/// replacing it (as SQLite's `INSERT OR REPLACE`); the trigger on `scores` keeps `score_peaks` equal.
extension PostgresStore: ScoreStore {
    public func writeScores(_ scores: [StoredScore]) async throws {
        guard !scores.isEmpty else { return }
        // One row per key in a statement: of two scores of one substation and time, the later one.
        var last: [String: Int] = [:]
        for (i, s) in scores.enumerated() { last["\(s.substationID.rawValue)\u{0}\(s.ts)"] = i }
        let rows = last.values.sorted().map { scores[$0] }
            .sorted { ($0.substationID.rawValue, $0.ts) < ($1.substationID.rawValue, $1.ts) }
        let r = rows.map(\.result)
        let logger = self.logger
        try await transaction { c in
            _ = try await c.query(
                """
                INSERT INTO scores (substation_id, ts, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std,
                  latest_value, model_version)
                SELECT *, \(ScoringSettings.modelVersion) FROM unnest(
                  \(rows.map(\.substationID.rawValue))::text[], \(rows.map(\.ts))::int8[], \(r.map(\.anomalyScore))::float8[],
                  \(r.map(\.isAnomaly))::bool[], \(r.map(\.zScore))::float8[], \(r.map(\.baselineMean))::float8[],
                  \(r.map(\.baselineStd))::float8[], \(r.map(\.latestValue))::float8[])
                ON CONFLICT (substation_id, ts) DO UPDATE SET anomaly_score = excluded.anomaly_score,
                  is_anomaly = excluded.is_anomaly, z_score = excluded.z_score, baseline_mean = excluded.baseline_mean,
                  baseline_std = excluded.baseline_std, latest_value = excluded.latest_value, model_version = excluded.model_version
                """, logger: logger)
            try await Self.insertPendingAlerts(scores: rows, c, logger: logger)
        }
    }
}
