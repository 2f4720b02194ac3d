import HopHubCore
import HopProtocol

// PostgreSQL: not yet. Writing scores (their tables are in `PostgresSchema+Scores`) and the
// scorer's lease. Reading them (`latestScores`, `scoreTrend`) is part of `TelemetryQueries`; the
// scorer's input (`frequencyWindows`) is in `PostgresStore+FrequencyWindows`.
extension PostgresStore: ScoreStore, LeaseStore {
    public func writeScores(_ scores: [StoredScore]) async throws { throw PostgresNotImplemented() }
    public func acquireLease(_ name: String, holder: String, now: Int64, ttlMs: Int64) async throws -> Bool {
        throw PostgresNotImplemented()
    }
}
