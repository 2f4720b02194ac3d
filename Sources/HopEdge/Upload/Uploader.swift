import Foundation
import HopProtocol
import Logging
import ServiceLifecycle
import Synchronization

/// Moves sealed batches from the journal to the hub, in `seq` order, one at a time. Rows are deleted
/// only after the hub's 2xx; retryable failures back off as `RetryPolicy` says; permanent
/// refusals are quarantined. On graceful shutdown it makes one last bounded attempt to flush.
public final class Uploader: Service, Sendable {
    let edgeID: EdgeID
    let journal: any Journal
    let client: any HubClient
    let board: DeviceStatusBoard
    let config: UploadConfig
    let clock: any EdgeClock
    let logger: Logger
    let stats: UploadStats
    /// How long the shutdown flush may take.
    let flushDeadline: Duration
    /// When the clock-skew warning was last logged (at most every 10 minutes).
    private let skewWarning = Mutex<Duration?>(nil)

    public init(
        edgeID: EdgeID, journal: any Journal, client: any HubClient, board: DeviceStatusBoard, config: UploadConfig,
        clock: any EdgeClock, logger: Logger, stats: UploadStats = UploadStats(), flushDeadline: Duration = .seconds(5)
    ) {
        self.edgeID = edgeID
        self.journal = journal
        self.client = client
        self.board = board
        self.config = config
        self.clock = clock
        self.logger = logger
        self.stats = stats
        self.flushDeadline = flushDeadline
    }

    var limits: BatchLimits { BatchLimits(maxRecords: config.maxRecords, maxBytes: config.maxBytes, maxAge: config.maxAge) }

    /// Idle polling interval of the journal: a quarter of `max_age`, between 20 ms and 1 s.
    var idleInterval: Duration { min(max(config.maxAge / 4, .milliseconds(20)), .seconds(1)) }

    public func run() async throws {
        // Journal sealing and acknowledgement are blocking SQLite transactions: run them on a
        // thread of their own rather than on the cooperative pool.
        await withTaskExecutorPreference(DeviceThread(name: "hop-edge.uploader")) {
            _ = await cancelWhenGracefulShutdown { [self] in await self.loop() }
            await flush()
        }
    }

    /// Uploads until cancelled. While one batch is in flight the next is sealed, encoded and
    /// compressed, so the edge's work overlaps the hub's; still only one request is ever in flight,
    /// and batches go strictly in seq order. Failures wait as `RetryPolicy` says; while the hub is
    /// unreachable each retry is a probe, and the batch goes as soon as the hub answers one.
    public func loop() async {
        var policy = RetryPolicy(initial: config.backoffInitial, maximum: config.backoffMax)
        var prepared: Prepared?
        // The batch that found the hub unreachable; failed probes are counted against it, so
        // `status` shows the link's health however long the outage.
        var waiting: PendingBatch?
        while !Task.isCancelled {
            if policy.needsProbe {
                guard await probeHub(for: waiting) else {
                    let delay = policy.delay(after: .unreachable)
                    do { try await clock.sleep(for: delay) } catch { return }
                    continue
                }
                policy.hubAnswered()
            }
            let current: Prepared
            if let ready = prepared {
                current = ready
            } else {
                switch await prepare(force: false, after: nil) {
                case .unavailable(let outcome):
                    let delay = if case .retry(let reason) = outcome { policy.delay(after: reason) } else { idleInterval }
                    do { try await clock.sleep(for: delay) } catch { return }
                    continue
                case .ready(let batch): current = batch
                }
            }
            prepared = nil
            async let upcoming = prepare(force: false, after: current.batch.seq)
            let outcome = await send(current)
            let next = await upcoming
            let delay: Duration
            switch outcome {
            case .sent, .quarantined:
                policy.succeeded()
                if case .ready(let batch) = next { prepared = batch }
                continue
            case .idle:
                delay = idleInterval
            case .retry(let reason):
                // The prepared successor stays sealed in the journal and is reloaded in order.
                waiting = current.batch
                delay = policy.delay(after: reason)
                logger.info("retrying", metadata: ["in": "\(delay.compact)", "reason": "\(reason)", "failures": "\(policy.failures)"])
            }
            do { try await clock.sleep(for: delay) } catch { return }
        }
    }

    /// Sends what is pending until the journal is empty, an attempt fails, or the deadline passes.
    /// The deadline bounds the attempt in flight too: a hub that accepts the connection but never
    /// answers is abandoned (the transfer is aborted) when it runs out, so SIGTERM stays prompt.
    /// The deadline is real time (`ContinuousClock`), not the injected `clock`: a test clock whose
    /// sleeps return at once would otherwise end every flush before its first attempt.
    func flush() async {
        let start = ContinuousClock.now
        while true {
            let remaining = flushDeadline - (ContinuousClock.now - start)
            guard remaining > .zero else {
                logger.notice("flush stopped after \(flushDeadline.compact); the journal keeps the rest")
                return
            }
            switch await attempt(force: true, within: remaining) {
            case .sent, .quarantined: continue
            case .idle: logger.info("flushed: journal empty")
            case .retry: logger.notice("flush stopped: hub not reachable; the journal keeps the rest")
            case nil:
                logger.notice("flush stopped after \(flushDeadline.compact): the hub did not answer; the journal keeps the rest")
            }
            return
        }
    }

    /// `attempt(force:)`, abandoned (cancelled) after `limit`: nil when it ran out.
    private func attempt(force: Bool, within limit: Duration) async -> Outcome? {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { await self.attempt(force: force) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// At most one clock-skew warning every 10 minutes.
    private func shouldWarnAboutSkew() -> Bool {
        let now = clock.monotonic()
        return skewWarning.withLock { last in
            if let last, now - last < .seconds(600) { return false }
            last = now
            return true
        }
    }

    /// What one attempt did.
    public enum Outcome: Sendable, Hashable {
        case idle
        case sent
        case quarantined
        case retry(RetryReason)
    }

    /// Seals or reloads the oldest batch and tries it once.
    public func attempt(force: Bool) async -> Outcome {
        switch await prepare(force: force, after: nil) {
        case .unavailable(let outcome): return outcome
        case .ready(let prepared): return await send(prepared)
        }
    }

    private func send(_ prepared: Prepared) async -> Outcome {
        let (batch, body, payload, gzip) = (prepared.batch, prepared.body, prepared.payload, prepared.gzip)
        let started = clock.monotonic()
        let response: HubResponse
        do {
            response = try await client.postBatch(payload, gzip: gzip)
        } catch {
            logger.warning("batch \(batch.seq) (\(batch.recordCount) records): \(error)")
            try? await journal.recordFailure(batch, error: error.description, at: clock.wall())
            await stats.count(.retry)
            return .retry(.unreachable)
        }
        let elapsed = clock.monotonic() - started
        if let skew = ClockSkew.seconds(dateHeader: response.headers["date"], edgeNow: clock.wall()), abs(skew) > 60,
            shouldWarnAboutSkew()
        {
            logger.warning(
                "the edge clock is \(Int(skew.rounded())) s \(skew > 0 ? "ahead of" : "behind") the hub's; readings are stamped with it (hub refuses > 5 min in the future): check NTP")
        }
        switch ResponseClass(status: response.status) {
        case .accepted:
            // Only the hub's receipt for this very batch deletes rows: a 2xx from anything else on
            // the path (a captive portal, a misrouted proxy) must not.
            guard let receipt = try? JSONDecoder().decode(BatchReceipt.self, from: Data(response.body)),
                receipt.seq == batch.seq, receipt.edgeID == edgeID
            else {
                let problem = "HTTP \(response.status) without a receipt for batch \(batch.seq): \(response.errorSummary)"
                logger.error("\(problem)")
                try? await journal.recordFailure(batch, error: problem, at: clock.wall())
                await stats.count(.retry)
                return .retry(.failed)
            }
            if receipt.duplicate, batch.attempts == 0 {
                logger.warning("hub already had batch \(batch.seq) on its first send; was the journal reset?")
            }
            do {
                try await journal.acknowledge(batch, at: clock.wall())
            } catch {
                logger.critical("hub accepted batch \(batch.seq) but the journal cannot delete it: \(error)")
                return .retry(.failed)
            }
            await stats.count(.sent, records: batch.recordCount, bytes: payload.count)
            logger.debug(
                "batch \(batch.seq): \(batch.recordCount) records, \(payload.count) bytes, \(elapsed.compact)\(receipt.duplicate ? " (duplicate)" : "")")
            return .sent
        case .retryable:
            logger.warning("batch \(batch.seq): \(response.errorSummary)")
            try? await journal.recordFailure(batch, error: response.errorSummary, at: clock.wall())
            await stats.count(.retry)
            return .retry(response.retryReason)
        case .permanent:
            logger.error("batch \(batch.seq) refused, quarantined: \(response.errorSummary)")
            do {
                try await journal.quarantine(batch, body: body, status: response.status, reason: response.errorSummary, at: clock.wall())
            } catch {
                logger.critical("cannot quarantine batch \(batch.seq): \(error)")
                return .retry(.failed)
            }
            await stats.count(.quarantined)
            return .quarantined
        }
    }
}
