import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// What the scorer reads and writes (`ScoreStore`). Reading scores back (`latestScores`,
/// `scoreTrend`) is part of `TelemetryQueries`; the tables are in `PostgresSchema+Scores`.
extension PostgresStore: ScoreStore {
    /// In one snapshot: each substation's newest `size` timestamps from the head (feeders
    /// averaged per timestamp, one LATERAL statement for all), then, for the substations whose
    /// window may reach into compacted readings, the window read from the chunks and head together.
    public func frequencyWindows(size: Int, freshSince: Int64) async throws -> [FrequencyWindow] {
        let logger = self.logger
        return try await read { c in
            var heads: [(sub: String, ts: [Int64], hz: [Double])] = []
            for row in try await c.rows(
                """
                SELECT s.substation_id, coalesce(array_agg(w.ts ORDER BY w.ts DESC) FILTER (WHERE w.ts IS NOT NULL), '{}'),
                       coalesce(array_agg(w.hz ORDER BY w.ts DESC) FILTER (WHERE w.ts IS NOT NULL), '{}')
                FROM substations s LEFT JOIN LATERAL (
                  SELECT ts, avg(frequency_hz) AS hz FROM telemetry t
                  WHERE t.substation_id = s.substation_id AND frequency_hz IS NOT NULL
                  GROUP BY ts ORDER BY ts DESC LIMIT \(Int64(size))) w ON true
                GROUP BY s.substation_id ORDER BY s.substation_id
                """, logger: logger)
            {
                let (sub, ts, hz) = try row.decode((String, [Int64], [Double]).self)
                heads.append((sub, ts, hz))
            }
            // Only chunks of the oldest head reading's block or later can reach into a full window.
            let since = heads.map { $0.ts.count < size ? Int64.min : TelemetryChunking.blockStart($0.ts.last!) }
            var newestChunk: [String: Int64] = [:]
            for row in try await c.rows(
                """
                SELECT u.sub, (SELECT max(last_ts) FROM telemetry_chunks c WHERE c.substation_id = u.sub AND c.block_start >= u.since)
                FROM unnest(\(heads.map(\.sub))::text[], \(since)::int8[]) AS u(sub, since)
                """, logger: logger)
            {
                let (sub, newest) = try row.decode((String, Int64?).self)
                if let newest { newestChunk[sub] = newest }
            }
            var windows: [FrequencyWindow] = []
            for head in heads {
                var readings = Array(head.hz.reversed())
                var latest = head.ts.first
                if let chunked = newestChunk[head.sub], head.ts.count < size || chunked >= head.ts.last! {
                    let from = TelemetryChunking.blockStart(chunked) - TelemetryChunking.blockMs
                    let merged = RawReading.frequencyByTime(
                        try await Self.rawReadings(c, substation: head.sub, from: from, to: .max, logger: logger)
                    ).suffix(size)
                    readings = merged.map(\.hz)
                    latest = merged.last?.ts
                }
                guard let latest, latest >= freshSince else { continue }
                windows.append(FrequencyWindow(substationID: SubstationID(head.sub), latestTs: latest, readings: readings))
            }
            return windows
        }
    }

    /// One pass's scores in one statement; a rerun at the same `ts` replaces (the peaks follow by trigger).
    public func writeScores(_ scores: [StoredScore]) async throws {
        guard !scores.isEmpty else { return }
        let logger = self.logger
        let r = scores.map(\.result)
        try await transaction { c in
            _ = try await c.rows(
                """
                INSERT INTO scores (ts, substation_id, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std, latest_value,
                                    model_version)
                SELECT ts, sub, score, anomaly, z, mean, std, latest, \(ScoringSettings.modelVersion)
                FROM unnest(\(scores.map(\.ts))::int8[], \(scores.map(\.substationID.rawValue))::text[], \(r.map(\.anomalyScore))::float8[],
                            \(r.map(\.isAnomaly))::bool[], \(r.map(\.zScore))::float8[], \(r.map(\.baselineMean))::float8[],
                            \(r.map(\.baselineStd))::float8[], \(r.map(\.latestValue))::float8[])
                  AS u(ts, sub, score, anomaly, z, mean, std, latest)
                ON CONFLICT (substation_id, ts) DO UPDATE SET anomaly_score = excluded.anomaly_score, is_anomaly = excluded.is_anomaly,
                  z_score = excluded.z_score, baseline_mean = excluded.baseline_mean, baseline_std = excluded.baseline_std,
                  latest_value = excluded.latest_value, model_version = excluded.model_version
                """, logger: logger)
        }
    }
}
