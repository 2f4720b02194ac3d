import ServiceLifecycle

/// The alert engine's ear on the writer: told about every committed write (a `CommitObserver`, so
/// never about one that was refused or rolled back), it queues the writes' events and decides their
/// trip and restore alerts in commit order, off the writer's path, so ingest never waits for
/// alerting. At shutdown it decides everything queued before it stops; it is placed before the
/// writer in the service group, so the writer's last commits reach it.
public final class AlertTrigger: CommitObserver, Service {
    let engine: AlertEngine
    private let queued: AsyncStream<[StoredEvent]>
    private let queue: AsyncStream<[StoredEvent]>.Continuation

    public init(engine: AlertEngine) {
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
            queue.finish()  // what is queued is still delivered to the loop above
        }
    }
}
