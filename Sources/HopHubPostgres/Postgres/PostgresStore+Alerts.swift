import HopHubCore
import HopProtocol

// PostgreSQL: not yet. Alert decisions, cooldowns and the mail outbox.
extension PostgresStore: AlertStore {
    public func decideAlert(_ candidate: AlertCandidate, policy: AlertPolicy, message: OutboxMessage, now: Int64) async throws
        -> AlertLogEntry
    { throw PostgresNotImplemented() }
    public func alertLog(since: Int64, scope: SubstationScope, limit: Int) async throws -> [AlertLogEntry] {
        throw PostgresNotImplemented()
    }
    public func claimOutbox(now: Int64, limit: Int, claimMs: Int64) async throws -> [OutboxItem] { throw PostgresNotImplemented() }
    public func markDelivered(id: Int64, now: Int64) async throws { throw PostgresNotImplemented() }
    public func markFailed(id: Int64, error: String, retryAt: Int64) async throws { throw PostgresNotImplemented() }
    public func nextOutboxAttempt() async throws -> Int64? { throw PostgresNotImplemented() }
    public func siteName(of substation: SubstationID) async throws -> String? { throw PostgresNotImplemented() }
}
