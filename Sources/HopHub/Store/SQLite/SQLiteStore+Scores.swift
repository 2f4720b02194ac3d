import Foundation
import GRDB
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
        for sub in substations {
            // A cursor reuses one row buffer: no per-row allocation across 10,000s of substations.
            statement.setUncheckedArguments([sub, size])
            let cursor = try Row.fetchCursor(statement)
            readings.removeAll(keepingCapacity: true)
            var latest: Int64?
            while let row = try cursor.next() {
                if latest == nil { latest = row[0] }
                readings.append(row[1])
            }
            guard let latest, latest >= freshSince else { continue }
            windows.append(FrequencyWindow(substationID: SubstationID(sub), latestTs: latest, readings: readings.reversed()))
        }
        return windows
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
            }
        }
    }

    public func acquireLease(_ name: String, holder: String, now: Int64, ttlMs: Int64) async throws -> Bool {
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute(
                    sql: """
                        INSERT INTO job_leases (name, holder, expires_at) VALUES (?, ?, ?)
                        ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                        WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= ?
                        """,
                    arguments: [name, holder, now + ttlMs, now])
                return .commit
            }
            return try String.fetchOne(db, sql: "SELECT holder FROM job_leases WHERE name = ?", arguments: [name]) == holder
        }
    }
}
