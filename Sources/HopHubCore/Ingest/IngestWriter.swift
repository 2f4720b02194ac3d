import Prometheus
import Logging
import ServiceLifecycle

/// The one writer: callers `submit` writes and await their durable outcome; the writer commits
/// everything that queued up meanwhile in one transaction (group commit), so concurrency turns
/// into bigger transactions instead of lock contention. Up to the store's `concurrentCommits`
/// groups are in flight at once (one on SQLite); the next group takes whatever queued while they
/// ran. Bounded: past `maxPendingRecords` a submit fails at once with `WriterError.saturated`
/// instead of queueing without limit.
public actor IngestWriter: Service {
    struct Job {
        let write: IngestWrite
        let continuation: CheckedContinuation<IngestOutcome, any Error>
    }

    private let store: any IngestStore
    private let maxPendingRecords: Int
    private let metrics: HubMetrics
    private let logger: Logger
    /// Told about every stored write once its transaction has committed (never before): the one
    /// path from stored data to whatever reacts to it (live feed, alert trigger).
    private let observers: [any CommitObserver]
    private var queue: [Job] = []
    private var pendingRecords = 0
    private var accepting = true
    /// Group commits running now.
    private var inFlight = 0
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(
        store: any IngestStore, maxPendingRecords: Int, metrics: HubMetrics, logger: Logger, observers: [any CommitObserver] = []
    ) {
        self.store = store
        self.observers = observers
        self.maxPendingRecords = maxPendingRecords
        self.metrics = metrics
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a write and returns once it is committed (durable) or refused.
    public func submit(_ write: IngestWrite) async throws -> IngestOutcome {
        guard accepting else { throw WriterError.shuttingDown }
        let size = max(1, write.recordCount)
        if pendingRecords > 0, pendingRecords + size > maxPendingRecords {
            throw WriterError.saturated(queuedRecords: pendingRecords)
        }
        pendingRecords += size
        metrics.writerQueueRecords.set(Int64(pendingRecords))
        return try await withCheckedThrowingContinuation { continuation in
            queue.append(Job(write: write, continuation: continuation))
            wake.yield()
        }
    }

    public func run() async throws {
        let wake = self.wake
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await _ in wakeups {
                    while let jobs = nextGroup() {
                        group.addTask { await self.commit(jobs) }
                    }
                }
                // Leaving the group waits for the commits in flight.
            }
        } onGracefulShutdown: {
            wake.finish()
        }
        // Shutdown: everything already accepted is committed before the store closes.
        accepting = false
        while !queue.isEmpty {
            await commit(takeQueue())
        }
        logger.info("writer stopped; queue flushed")
    }

    /// Takes everything queued as the next group, unless the queue is empty or the store's limit of
    /// groups in flight is reached (then the group that ends first wakes the loop again).
    private func nextGroup() -> [Job]? {
        guard !queue.isEmpty, inFlight < max(1, store.concurrentCommits) else { return nil }
        return takeQueue()
    }

    /// Everything queued, as a group now counted in flight (`commit` counts it out).
    private func takeQueue() -> [Job] {
        let jobs = queue
        queue.removeAll(keepingCapacity: true)
        inFlight += 1
        return jobs
    }

    private func commit(_ jobs: [Job]) async {
        let start = ContinuousClock.now
        do {
            let outcomes = try await store.commit(jobs.map(\.write))
            notify(zip(jobs, outcomes).filter { $0.1 == .stored }.map(\.0.write))
            for (job, outcome) in zip(jobs, outcomes) { job.continuation.resume(returning: outcome) }
        } catch {
            logger.error("group commit of \(jobs.count) writes failed; retrying one by one", metadata: ["error": "\(error)"])
            for job in jobs {
                do {
                    let outcome = try await store.commit([job.write])
                    if outcome[0] == .stored { notify([job.write]) }
                    job.continuation.resume(returning: outcome[0])
                } catch {
                    job.continuation.resume(throwing: error)
                }
            }
        }
        metrics.commitDuration.record(ContinuousClock.now - start)
        metrics.commitGroupSize.record(Double(jobs.count))
        pendingRecords -= jobs.reduce(0) { $0 + max(1, $1.write.recordCount) }
        metrics.writerQueueRecords.set(Int64(pendingRecords))
        inFlight -= 1
        if !queue.isEmpty { wake.yield() }
    }

    private func notify(_ stored: [IngestWrite]) {
        guard !stored.isEmpty else { return }
        for observer in observers { observer.committed(stored) }
    }
}
