import HopProtocol
import Testing

@testable import HopHubCore

/// A block an edge fills with its backlog is compacted once its first readings arrived a head
/// window ago, not on every pass while it fills; blocks that arrived earlier are compacted as usual.
@Suite struct BackfillCompactionTests {
    typealias Backend = StoreContractTests.Backend
    static let base = ChunkedTelemetryTests.base
    static let block = TelemetryChunking.blockMs

    /// `readings` written in batches as arriving at `arrival`.
    static func store(_ readings: [Telemetry], arrival: Int64, into store: any HubStore) async throws {
        for start in stride(from: 0, to: readings.count, by: 500) {
            let slice = readings[start..<min(start + 500, readings.count)]
            _ = try await store.commit([IngestWrite(telemetry: slice.map { StoredTelemetry($0, arrival: arrival) }, arrival: arrival)])
        }
    }

    static func compactAll(_ store: any HubStore, arrivedBefore: Int64) async throws -> CompactionReport {
        var total = CompactionReport()
        while true {
            let r = try await store.compact(before: base + 4 * block, arrivedBefore: arrivedBefore, maxChunks: 3, openBlockDelayMs: 0)
            total.chunks += r.chunks
            total.readings += r.readings
            if r.chunks == 0 { return total }
        }
    }

    @Test(arguments: Backend.allCases)
    func aBlockWhoseFirstReadingsArrivedWithinTheWindowWaitsAndIsCompactedOnceTheyAreOldEnough(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        // 3 h of 4 series: the first block (2 h) arrived at 1000, the second (1 h) at 2000.
        let readings = ChunkedTelemetryTests.readings()
        let first = readings.filter { $0.ts!.epochMilliseconds < Self.base + Self.block }
        try await Self.store(first, arrival: 1000, into: store)
        try await Self.store(Array(readings[first.count...]), arrival: 2000, into: store)

        #expect(try await Self.compactAll(store, arrivedBefore: 1000).readings == 0, "both blocks arrived too recently")

        let early = try await Self.compactAll(store, arrivedBefore: 2000)
        #expect(early.readings == first.count && early.chunks == 2 * 2, "the first block of each of 2 × 2 series")
        #expect(try await Self.compactAll(store, arrivedBefore: 2001).readings == readings.count - first.count)
        #expect(try await Self.compactAll(store, arrivedBefore: .max).readings == 0, "nothing left in the head")
    }

    @Test(arguments: Backend.allCases)
    func withoutAnArrivalBoundEveryClosedBlockIsCompacted(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let readings = ChunkedTelemetryTests.readings()
        try await Self.store(readings, arrival: 5000, into: store)
        #expect(try await Self.compactAll(store, arrivedBefore: .max).readings == readings.count)
    }
}
