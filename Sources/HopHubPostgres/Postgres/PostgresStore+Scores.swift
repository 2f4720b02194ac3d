import HopHubCore
import HopProtocol

// PostgreSQL: not yet. The scorer's lease. (Scores are written in `PostgresStore+ScoreWrites`,
// read in `+Queries` and `+ScoreTrend`; the scorer's input is in `+FrequencyWindows`.)
extension PostgresStore: LeaseStore {
    public func acquireLease(_ name: String, holder: String, now: Int64, ttlMs: Int64) async throws -> Bool {
        throw PostgresNotImplemented()
    }
}
