import Foundation
import HopProtocol
import Logging

/// The REST mode (`--post-to`): every interval, one seed-format telemetry POST per feeder; per
/// breaker transition a `FEEDER_TRIP` / `FEEDER_RESTORE` event with its exact source time and an
/// outage record (`kinds` chooses which). A silent RTU posts no telemetry while silent. Values are
/// `truth` at the tick instant (`ts`).
public struct RestPoster: Sendable {
    public let client: any IngestClient
    public let state: SimulationState
    public let clock: any SimClock
    public let intervalMs: Int64
    /// Which records to post.
    public let kinds: Set<RestRecordKind>
    public let logger: Logger
    let records: SeedRecords

    public init(
        client: any IngestClient, state: SimulationState, clock: any SimClock, intervalMs: Int64,
        kinds: Set<RestRecordKind> = Set(RestRecordKind.allCases), logger: Logger
    ) {
        self.client = client
        self.state = state
        self.clock = clock
        self.intervalMs = max(intervalMs, 100)
        self.kinds = kinds
        self.logger = logger
        self.records = SeedRecords(state: state)
    }

    /// How far back each tick looks for breaker transitions. Scenario events can be recorded a
    /// little after their instant (the loop plays them when it wakes), so each tick re-reads a
    /// window and posts the transitions it has not posted yet.
    public static let eventLookbackMs: Int64 = 600_000

    /// Posts at every multiple of the interval until the task is cancelled.
    public func run() async {
        var posted = Set<FaultTimeline.BreakerTransition>()
        logger.info("rest: posting every \(intervalMs) ms")
        while !Task.isCancelled {
            let tick = (clock.nowMs() / intervalMs + 1) * intervalMs
            let wait = tick - clock.nowMs()
            if wait > 0 {
                do { try await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000) } catch { return }
            }
            await post(tick: tick, posted: &posted)
        }
    }

    /// Posts the breaker transitions up to `tick` not in `posted` (and records them there), then
    /// the telemetry at `tick`.
    public func post(tick: Int64, posted: inout Set<FaultTimeline.BreakerTransition>) async {
        let since = max(tick - Self.eventLookbackMs, state.startedMs - 1)
        for transition in state.faults.breakerTransitions(after: since, upTo: tick) where !posted.contains(transition) {
            if kinds.contains(.events) { await send("/api/ingest/event", records.event(transition)) }
            if kinds.contains(.outages) { await send("/api/ingest/outage", records.outage(transition)) }
            posted.insert(transition)
        }
        posted = posted.filter { $0.at > since }
        guard kinds.contains(.telemetry) else { return }
        await withTaskGroup(of: Void.self) { group in
            for site in state.sites where !state.faults.isSilent(substation: site.index, at: tick) {
                group.addTask {
                    for record in records.telemetry(site: site, at: tick) { await send("/api/ingest/telemetry", record) }
                }
            }
        }
    }

    /// POSTs one record; failures are logged, never retried (the next tick brings fresh values).
    func send(_ path: String, _ record: some Encodable) async {
        do throws(IngestError) {
            let body: Data
            do { body = try JSONEncoder().encode(record) } catch {
                logger.error("rest: cannot encode \(path): \(error)")
                return
            }
            try await client.post(path: path, body: body)
        } catch {
            logger.warning("rest: \(error)")
        }
    }
}
