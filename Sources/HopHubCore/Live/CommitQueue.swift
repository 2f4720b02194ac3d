import ServiceLifecycle

/// An ear on the writer for work that must not slow ingest: told about every committed write (a
/// `CommitObserver`, so never about one that was refused or rolled back), it queues what `extract`
/// takes from the writes and hands each batch to `handle` in commit order, off the writer's path.
/// At shutdown it handles everything queued before it stops; it is placed before the writer in the
/// service group, so the writer's last commits reach it.
public final class CommitQueue<Item: Sendable>: CommitObserver, Service {
    private let extract: @Sendable ([IngestWrite]) -> [Item]
    private let handle: @Sendable ([Item]) async -> Void
    private let queued: AsyncStream<[Item]>
    private let queue: AsyncStream<[Item]>.Continuation

    public init(extract: @escaping @Sendable ([IngestWrite]) -> [Item], handle: @escaping @Sendable ([Item]) async -> Void) {
        self.extract = extract
        self.handle = handle
        (queued, queue) = AsyncStream.makeStream(of: [Item].self, bufferingPolicy: .unbounded)
    }

    public func committed(_ writes: [IngestWrite]) {
        let items = extract(writes)
        if !items.isEmpty { queue.yield(items) }
    }

    public func run() async {
        let queue = self.queue
        await withGracefulShutdownHandler {
            for await items in queued {
                await handle(items)
            }
        } onGracefulShutdown: {
            queue.finish()  // what is queued is still handed to the loop above
        }
    }
}

/// Committed events on their way to the alarm engine. (Trip and restore alerts are decided from
/// their pending rows instead, so none is lost with this in-memory queue: `AlertPendingService`.)
public typealias EventTrigger = CommitQueue<StoredEvent>

extension CommitQueue where Item == StoredEvent {
    /// Raises and returns the alarms of committed events.
    public convenience init(alarms engine: AlarmEngine) {
        self.init(extract: { $0.flatMap(\.events) }, handle: { await engine.eventsStored($0) })
    }
}
