import Foundation
import HopProtocol
import Logging
import HopTestSupport
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The writer tells its observer about a write only after the store's commit has returned, and
/// only about writes that were stored (not duplicates or conflicts).
@Suite struct PublishAfterCommitTests {
    enum Step: Equatable, Sendable {
        case commitReturned(Int)
        case published([Int64])
    }

    /// A store that reports each commit's completion on a shared channel; the second write of a
    /// group is answered as a duplicate.
    struct RecordingStore: IngestStore {
        let steps: AsyncStream<Step>.Continuation
        func commit(_ writes: [IngestWrite]) async throws -> [IngestOutcome] {
            steps.yield(.commitReturned(writes.count))
            return writes.map { $0.arrival == 2 ? .duplicate : .stored }
        }
    }

    struct RecordingObserver: CommitObserver {
        let steps: AsyncStream<Step>.Continuation
        func committed(_ writes: [IngestWrite]) { steps.yield(.published(writes.map(\.arrival))) }
    }

    @Test func observerHearsOnlyAfterCommitAndOnlyStoredWrites() async throws {
        let (steps, continuation) = AsyncStream.makeStream(of: Step.self)
        let writer = IngestWriter(
            store: RecordingStore(steps: continuation), maxPendingRecords: 100, metrics: HubMetrics(),
            logger: Logger(label: "test"), observers: [RecordingObserver(steps: continuation)])
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await writer.run() }
            async let a = writer.submit(IngestWrite(arrival: 1))
            async let b = writer.submit(IngestWrite(arrival: 2))
            let outcomes = try await [a, b]
            #expect(outcomes == [.stored, .duplicate])
            let (seen, published) = try await finish("the publication of write 1") {
                var seen: [Step] = []
                var published: [Int64] = []
                for await step in steps {
                    seen.append(step)
                    if case .published(let arrivals) = step { published += arrivals }
                    if published.contains(1) { break }
                }
                return (seen, published)
            }
            // Every publication follows a commit that returned, and carries no duplicate.
            for (i, step) in seen.enumerated() where step != .commitReturned(1) && step != .commitReturned(2) {
                #expect(seen[..<i].contains { if case .commitReturned = $0 { true } else { false } }, "\(seen)")
            }
            #expect(published == [1], "\(seen)")
            group.cancelAll()
        }
    }
}
