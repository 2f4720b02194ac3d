import ServiceLifecycle

/// The alarm engine's ear on the writer: told about every committed write (a `CommitObserver`),
/// it queues the writes' events and raises or returns their alarms in commit order, off the
/// writer's path. At shutdown it handles everything queued before it stops; like `AlertTrigger`
/// it is placed before the writer in the service group, so the writer's last commits reach it.
public final class AlarmTrigger: CommitObserver, Service {
    let engine: AlarmEngine
    private let queued: AsyncStream<[StoredEvent]>
    private let queue: AsyncStream<[StoredEvent]>.Continuation

    public init(engine: AlarmEngine) {
        self.engine = engine
        (queued, queue) = AsyncStream.makeStream(of: [StoredEvent].self, bufferingPolicy: .unbounded)
    }

    public func committed(_ writes: [IngestWrite]) {
        let events = writes.flatMap(\.events)
        if !events.isEmpty { queue.yield(events) }
    }

    public func run() async {
        let queue = self.queue
        await withGracefulShutdownHandler {
            for await events in queued {
                await engine.eventsStored(events)
            }
        } onGracefulShutdown: {
            queue.finish()
        }
    }
}

/// Every `alarms.sweep_interval_s`: ends shelves whose time is up, checks for silent
/// substations (`AlarmEngine.sweep`) and refreshes the alarm KPI gauges of `/metrics`.
public struct AlarmSweepService: Service {
    let engine: AlarmEngine
    let metrics: HubMetrics?

    public init(engine: AlarmEngine, metrics: HubMetrics? = nil) {
        self.engine = engine
        self.metrics = metrics
    }

    public func run() async {
        let engine = self.engine
        let metrics = self.metrics
        await repeatUntilShutdown(every: .seconds(engine.settings.sweepIntervalSeconds), startNow: true) {
            await engine.sweep()
            if let metrics, let kpis = try? await engine.kpis(scope: .all) { metrics.alarmKPIs(kpis) }
        }
    }
}
