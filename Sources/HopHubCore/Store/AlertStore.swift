import HopProtocol

/// A mail ready to deliver, stored in the outbox when an alert is decided.
public struct OutboxMessage: Sendable, Hashable {
    public var recipients: [String]
    public var subject: String
    public var body: String

    public init(recipients: [String], subject: String, body: String) {
        self.recipients = recipients
        self.subject = subject
        self.body = body
    }
}

/// An outbox row claimed for delivery.
public struct OutboxItem: Sendable, Hashable {
    public var id: Int64
    public var message: OutboxMessage
    /// Failed attempts so far.
    public var attempts: Int

    public init(id: Int64, message: OutboxMessage, attempts: Int) {
        self.id = id
        self.message = message
        self.attempts = attempts
    }
}

/// The alert engine's durable state: cooldowns, caps (counted from the log), the sent-trip memory,
/// the decision log and the outbox. Deciding is one transaction, so two hub processes sharing a
/// database cannot both send the alert a cap allows once.
public protocol AlertStore: Sendable {
    /// Reads the state `candidate` depends on, applies `policy`, logs the decision and, when sent,
    /// updates cooldown and trip memory and queues `message` in the outbox — all in one transaction.
    /// When `candidate.pending` is set, the same transaction first deletes that pending row and
    /// throws `AlertAlreadyDecided` (writing nothing) when there is none.
    func decideAlert(_ candidate: AlertCandidate, policy: AlertPolicy, message: OutboxMessage, now: Int64) async throws
        -> AlertLogEntry
    /// Up to `limit` pending alerts whose claim has run out by `now` (or that were never claimed),
    /// each claimed until `now + claimMs` so no other claimer takes it meanwhile: trips and restores
    /// (`alert_pending`) first, in event order, then anomalies (`alert_pending_scores`), oldest first.
    /// Pending rows whose event or score is gone (retention) are deleted, not returned.
    func claimPendingAlerts(limit: Int, claimMs: Int64, now: Int64) async throws -> [PendingAlert]
    /// Decisions since `since` (ms), newest first, filtered by `scope` in the query.
    func alertLog(since: Int64, scope: SubstationScope, limit: Int) async throws -> [AlertLogEntry]
    /// Undelivered messages due at `now`, each hidden from other claimers for `claimMs`.
    func claimOutbox(now: Int64, limit: Int, claimMs: Int64) async throws -> [OutboxItem]
    func markDelivered(id: Int64, now: Int64) async throws
    /// Records a failed attempt and when to try again.
    func markFailed(id: Int64, error: String, retryAt: Int64) async throws
    /// When the next undelivered message is due (ms), nil when the outbox is empty.
    func nextOutboxAttempt() async throws -> Int64?
    /// The substation's site name as last reported, for subject lines.
    func siteName(of substation: SubstationID) async throws -> String?
}
