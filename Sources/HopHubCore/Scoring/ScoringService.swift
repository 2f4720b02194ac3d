import Foundation
import HopProtocol
import Logging
import ServiceLifecycle

/// Scores every substation every `scoring.interval_s` seconds (DESIGN §5), writes the pass in one
/// transaction — with a pending alert row for each ANOMALY score — and has the pending alerts
/// decided at once. Among hub processes sharing a database, only the holder of the `scorer` lease
/// scores; the lease lasts two intervals and is renewed by every pass, so a dead holder is
/// replaced within two intervals.
public struct ScoringService: Service {
    public typealias Store = ScoreStore & LeaseStore
    static let leaseName = "scorer"

    let store: any Store
    let model: ZScoreModel
    let holder: String
    /// Decides the pass's pending anomalies (nil: alerting disabled; the store still keeps the rows).
    let alerts: AlertPendingService?
    /// Raises ANOMALY alarms and returns them on NORMAL scores (nil: no alarms).
    let alarms: AlarmEngine?
    let now: @Sendable () -> Int64
    let metrics: HubMetrics?
    /// Told about every pass's scores once they are written.
    let live: LiveFeed?
    let logger: Logger

    public init(
        store: any Store, settings: ScoringSettings, holder: String = UUID().uuidString, alerts: AlertPendingService?,
        now: @escaping @Sendable () -> Int64 = { SourceTime.now().epochMilliseconds }, metrics: HubMetrics? = nil,
        logger: Logger, live: LiveFeed? = nil, alarms: AlarmEngine? = nil
    ) {
        self.live = live
        self.alarms = alarms
        self.store = store
        model = ZScoreModel(settings: settings)
        self.holder = holder
        self.alerts = alerts
        self.now = now
        self.metrics = metrics
        self.logger = logger
    }

    static func milliseconds(_ d: Duration) -> String {
        String(format: "%.1f", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(model.settings.intervalSeconds), startNow: true) { await runOnce() }
    }

    /// One pass. Returns the scores written, or nil when another process holds the lease or the
    /// pass failed (logged; retried next interval).
    @discardableResult
    public func runOnce() async -> [StoredScore]? {
        let t = now()
        let settings = model.settings
        do {
            let ttl = Int64(settings.intervalSeconds) * 2000
            guard try await store.acquireLease(Self.leaseName, holder: holder, now: t, ttlMs: ttl) else {
                logger.debug("scoring skipped: another hub process holds the scorer lease")
                return nil
            }
            let started = ContinuousClock.now
            let windows = try await store.frequencyWindows(
                size: settings.window, freshSince: t - Int64(settings.maxAgeSeconds) * 1000)
            let scores = windows.compactMap { w in
                model.score(w.readings).map { StoredScore(ts: t, substationID: w.substationID, result: $0) }
            }
            let read = ContinuousClock.now
            try await store.writeScores(scores)
            live?.publishScores(scores)
            let done = ContinuousClock.now
            metrics?.scoringPass(duration: done - started, scored: scores.count)
            logger.debug(
                "scoring pass",
                metadata: [
                    "substations": "\(windows.count)", "scored": "\(scores.count)",
                    "duration_ms": "\(Self.milliseconds(done - started))", "read_ms": "\(Self.milliseconds(read - started))",
                    "write_ms": "\(Self.milliseconds(done - read))",
                ])
            if let alarms { await alarms.scored(scores) }
            if let alerts, scores.contains(where: { AlertCandidate.from($0) != nil }) { await alerts.decidePending() }
            return scores
        } catch {
            logger.error("scoring pass failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
