import HopProtocol
import Logging

/// Decides alerts the moment their cause is stored: trips and restores as ingest commits them,
/// anomalies as the scorer writes them. Deciding is a store transaction (rules, log, outbox);
/// delivery is the outbox service's job, woken through `signal`.
public struct AlertEngine: Sendable {
    let store: any AlertStore
    let policy: AlertPolicy
    let recipients: any AlertRecipients
    let formatter: AlertMessageFormatter
    let signal: OutboxSignal
    let now: @Sendable () -> Int64
    let metrics: HubMetrics?
    let logger: Logger
    /// Told about every decision once it is stored (the hub's feed; nil in tests that need none).
    public let live: LiveFeed?

    public init(
        store: any AlertStore, settings: AlertSettings, recipients: any AlertRecipients, signal: OutboxSignal,
        now: @escaping @Sendable () -> Int64 = { SourceTime.now().epochMilliseconds }, metrics: HubMetrics? = nil,
        logger: Logger, live: LiveFeed? = nil
    ) {
        self.store = store
        policy = AlertPolicy(settings: settings)
        self.recipients = recipients
        formatter = AlertMessageFormatter(portalURL: settings.portalURL)
        self.signal = signal
        self.now = now
        self.metrics = metrics
        self.logger = logger
        self.live = live
    }

    /// Events decided directly, without pending rows: trips (severity ALARM) and restores. The hub
    /// decides committed events through their pending rows instead (`AlertPendingService`).
    @discardableResult
    public func eventsStored(_ events: [StoredEvent]) async -> [AlertLogEntry] {
        var entries: [AlertLogEntry] = []
        for candidate in events.compactMap({ AlertCandidate.from($0) }) {
            if let entry = await decide(candidate) { entries.append(entry) }
        }
        return entries
    }

    /// Scores decided directly, without pending rows: those at or above the ANOMALY cut-off. The hub
    /// decides written scores through their pending rows instead (`AlertPendingService`).
    @discardableResult
    public func scored(_ scores: [StoredScore]) async -> [AlertLogEntry] {
        var entries: [AlertLogEntry] = []
        for candidate in scores.compactMap({ AlertCandidate.from($0) }) {
            if let entry = await decide(candidate) { entries.append(entry) }
        }
        return entries
    }

    /// Decides one candidate; store failures are logged (the cause is already stored) and give nil,
    /// as does a pending candidate another decider has decided (`AlertAlreadyDecided`). A pending
    /// candidate whose decision failed keeps its row and is claimed again when its claim runs out.
    public func decide(_ candidate: AlertCandidate) async -> AlertLogEntry? {
        var c = candidate
        do {
            if c.siteName == nil, let sub = c.substationID { c.siteName = try await store.siteName(of: sub) }
            let message = OutboxMessage(
                recipients: try await recipients.recipients(for: c.substationID), subject: formatter.subject(c),
                body: formatter.body(c))
            let entry = try await store.decideAlert(c, policy: policy, message: message, now: now())
            live?.publishAlert(entry)
            logger.info(
                "alert decision",
                metadata: [
                    "kind": "\(entry.kind)", "source": "\(c.source)", "outcome": "\(entry.outcome)",
                    "reason": "\(entry.reason ?? "-")",
                ])
            metrics?.alertDecided(kind: entry.kind, outcome: entry.outcome, reason: entry.reason)
            if entry.outcome == "sent" { await signal.ring() }
            return entry
        } catch let decided as AlertAlreadyDecided {
            logger.debug("alert decision skipped", metadata: ["source": "\(c.source)", "reason": "\(decided)"])
            return nil
        } catch {
            logger.error("alert decision failed", metadata: ["kind": "\(c.kind.rawValue)", "source": "\(c.source)", "error": "\(error)"])
            return nil
        }
    }
}
