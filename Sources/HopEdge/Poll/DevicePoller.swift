import HopProtocol
import Logging
import ServiceLifecycle

/// Polls one device on its scan classes' schedules and commits every result to the journal before
/// anything else sees it. A failed poll records `COMM_FAIL` (once) and retries with backoff; the
/// first good poll after that records `COMM_RESTORED`. Never invents a value.
public final class DevicePoller: Service, Sendable {
    public let plan: DevicePlan
    let session: any DeviceSession
    let journal: any Journal
    let board: DeviceStatusBoard
    let clock: any EdgeClock
    let logger: Logger
    let converter: SampleConverter
    /// Longest wait between reconnect attempts of a failed device.
    let maxBackoff: Duration

    public init(
        plan: DevicePlan, session: any DeviceSession, journal: any Journal, board: DeviceStatusBoard,
        clock: any EdgeClock, logger: Logger, maxBackoff: Duration = .seconds(30)
    ) {
        self.plan = plan
        self.session = session
        self.journal = journal
        self.board = board
        self.clock = clock
        var logger = logger
        logger[metadataKey: "device"] = "\(plan.device.name)"
        logger[metadataKey: "unit"] = "\(plan.device.unitID)"
        self.logger = logger
        self.converter = SampleConverter(device: plan.device)
        self.maxBackoff = maxBackoff
    }

    public func run() async throws {
        let device = plan.device
        var state = (try? await journal.deviceStates().first { $0.name == device.name })
            ?? DeviceState(name: device.name, substationID: device.substationID)
        state.substationID = device.substationID
        let initial = state
        await board.update(initial)
        if device.dnp3 != nil {
            let polls = plan.scans.map { "\($0.name) every \($0.interval.compact)" }.joined(separator: ", ")
            logger.info("polling \(device.transport): \(polls)")
        } else {
            logger.info("polling \(device.transport), \(plan.requestCount) requests in \(plan.scans.count) scan classes")
        }
        _ = await cancelWhenGracefulShutdown { [self] in
            // A nil executor is "no preference".
            await withTaskExecutorPreference(session.executor) { await self.loop(state: initial) }
        }
        await session.disconnect()
        logger.info("poller stopped")
    }

    private func loop(state initial: DeviceState) async {
        var state = initial
        var due = plan.scans.map { _ in clock.monotonic() }
        var backoff = Backoff(initial: min(plan.device.pollInterval, .seconds(1)), maximum: maxBackoff)
        while !Task.isCancelled, let index = due.indices.min(by: { due[$0] < due[$1] }) {
            let wait = due[index] - clock.monotonic()
            if wait > .zero {
                // A device that reports by itself (DNP3 unsolicited) is listened to meanwhile.
                if let pushed = await session.pushed(within: wait) {
                    await record(.success(pushed), at: clock.wall(), latency: nil, state: &state)
                    await board.update(state)
                    continue
                }
                let rest = due[index] - clock.monotonic()
                if rest > .zero {
                    do { try await clock.sleep(for: rest) } catch { return }
                }
            }
            let scan = plan.scans[index]
            let ok = await pollOnce(scan, state: &state)
            await board.update(state)
            await board.countPoll(plan.device.name, ok: ok)
            let now = clock.monotonic()
            if ok {
                backoff.reset()
                due[index] = max(due[index] + scan.interval, now)
            } else {
                let delay = backoff.next()
                for i in due.indices { due[i] = max(due[i], now + delay) }
            }
        }
    }

    /// One scan: read, convert, journal. Returns whether the device answered.
    func pollOnce(_ scan: ScanPlan, state: inout DeviceState) async -> Bool {
        let started = clock.monotonic()
        let time = clock.wall()
        let result: Result<ScanSample, DeviceError>
        do { result = .success(try await session.scan(scan)) } catch { result = .failure(error) }
        return await record(result, at: time, latency: clock.monotonic() - started, state: &state)
    }

    /// Converts and journals one result: a scan's (with its latency) or data the device pushed
    /// (latency `nil`). Returns whether the device answered.
    func record(
        _ result: Result<ScanSample, DeviceError>, at time: SourceTime, latency: Duration?, state: inout DeviceState
    ) async -> Bool {
        var entries: [JournalEntry] = []
        let ok: Bool
        switch result {
        case .success(let sample):
            if state.commState == "failed" {
                entries.append(.event(converter.commRestored(at: time, failedSince: state.failedSince)))
                logger.notice("device answers again")
            }
            state.commState = "ok"
            state.failedSince = nil
            state.lastError = nil
            state.lastPollAt = time
            if let latency { state.lastPollLatencyMs = latency.seconds * 1000 }
            entries += converter.breakerEvents(sample, at: time, state: &state).map(JournalEntry.event)
            entries += converter.telemetry(sample, at: time).map(JournalEntry.telemetry)
            ok = true
        case .failure(let error):
            if state.commState != "failed" {
                entries.append(.event(converter.commFail(error, at: time)))
                state.failedSince = time
                logger.error("poll failed: \(error)")
            } else {
                logger.debug("still failing: \(error)")
            }
            state.commState = "failed"
            state.lastError = error.description
            state.lastPollAt = time
            ok = false
        }
        do {
            try await journal.append(entries, state: state)
        } catch {
            logger.critical("cannot journal \(entries.count) records: \(error)")
        }
        return ok
    }
}
