import HopProtocol
import Logging
import ServiceLifecycle

/// Decides alerts from their pending rows — trips and restores (`alert_pending`, written by ingest
/// in the commit's transaction) and anomalies (`alert_pending_scores`, written with the scorer's
/// pass) — so no decision is lost with the process that stored its cause.
///
/// As a `CommitObserver` it is rung by the writer after every commit holding a candidate and claims
/// at once (the breaker-open-to-mail latency stays that of one claim and one decision); the scorer
/// calls `decidePending()` right after writing a pass that holds an anomaly; otherwise
/// it claims every `pollInterval`, which picks up what a dead replica had claimed or committed once
/// that claim runs out (`claimMs`), and what a restarted hub had not decided. Each claimed row is
/// decided by `AlertEngine.decide`, whose transaction removes the row with the decision. At
/// graceful shutdown (after the writer's last commits, which come before it in the service group's
/// shutdown order) it claims and decides once more, then stops.
public struct AlertPendingService: CommitObserver, Service {
    let store: any AlertStore
    let engine: AlertEngine
    let wake: WakeSignal
    let pollInterval: Duration
    let claimMs: Int64
    let batch: Int
    let now: @Sendable () -> Int64
    let logger: Logger

    public init(
        store: any AlertStore, engine: AlertEngine, pollInterval: Duration = .seconds(5), claimMs: Int64 = 30_000,
        batch: Int = 100, now: @escaping @Sendable () -> Int64 = { SourceTime.now().epochMilliseconds }, logger: Logger
    ) {
        self.store = store
        self.engine = engine
        wake = WakeSignal()
        self.pollInterval = pollInterval
        self.claimMs = claimMs
        self.batch = batch
        self.now = now
        self.logger = logger
    }

    /// Rings the service when `writes` hold an event that was written as pending.
    public func committed(_ writes: [IngestWrite]) {
        guard writes.contains(where: { $0.events.contains { AlertCandidate.from($0) != nil } }) else { return }
        let wake = self.wake
        Task { await wake.ring() }
    }

    public func run() async {
        let wake = self.wake
        await withGracefulShutdownHandler {
            while true {
                await decidePending()
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                await wake.wait(upTo: pollInterval)
            }
        } onGracefulShutdown: {
            Task { await wake.ring() }  // ends the wait; the loop decides once more and stops
        }
    }

    /// Claims and decides pending alerts until none is due; returns the decisions stored by this
    /// call (rows another decider took over are left out). Store failures are logged; the claimed
    /// rows are claimed again when their claim runs out.
    @discardableResult
    public func decidePending() async -> [AlertLogEntry] {
        var entries: [AlertLogEntry] = []
        do {
            while true {
                let claimed = try await store.claimPendingAlerts(limit: batch, claimMs: claimMs, now: now())
                for pending in claimed {
                    if let entry = await engine.decide(pending.candidate) { entries.append(entry) }
                }
                if claimed.count < batch { break }
            }
        } catch where !Task.isCancelled {  // cancelled: the rows stay for the next claimer
            logger.error("pending alerts could not be claimed", metadata: ["error": "\(error)"])
        } catch {}
        return entries
    }
}
