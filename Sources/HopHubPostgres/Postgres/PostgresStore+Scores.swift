import HopHubCore
import HopProtocol

// PostgreSQL: not yet. Writing scores (their tables are in `PostgresSchema+Scores`) and the
// scorer's lease. Reading them (`latestScores`, `scoreTrend`) is part of `TelemetryQueries`.
extension PostgresStore: ScoreStore, LeaseStore {
    public func frequencyWindows(size: Int, freshSince: Int64) async throws -> [FrequencyWindow] { throw PostgresNotImplemented() }
    public func writeScores(_ scores: [StoredScore]) async throws { throw PostgresNotImplemented() }
    public func acquireLease(_ name: String, holder: String, now: Int64, ttlMs: Int64) async throws -> Bool {
        throw PostgresNotImplemented()
    }
}
