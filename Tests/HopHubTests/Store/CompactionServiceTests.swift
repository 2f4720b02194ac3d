import HopHubCore
import Logging
import Testing

/// The compaction service gives freed space back once per drain, after the last pass, and
/// never between passes of a backlog (the head reuses those pages as it is written).
@Suite struct CompactionServiceTests {
    /// A store whose passes each compact `chunks[i]` series-blocks, recording every call in order.
    actor ScriptedStore: TelemetryCompaction {
        var passes: [Int]
        var failing = false
        var calls: [String] = []

        init(passes: [Int], failing: Bool = false) {
            self.passes = passes
            self.failing = failing
        }

        func compact(before cutoff: Int64, arrivedBefore: Int64, maxChunks: Int, openBlockDelayMs: Int64) async throws -> CompactionReport {
            calls.append("compact")
            if failing && passes.count == 1 { throw ScriptedFailure() }
            var report = CompactionReport()
            report.chunks = passes.isEmpty ? 0 : passes.removeFirst()
            report.readings = report.chunks * 100
            return report
        }

        func headReadings(before cutoff: Int64) async throws -> Int { passes.reduce(0, +) * 100 }

        func reclaimSpace() async throws { calls.append("reclaim") }
    }

    struct ScriptedFailure: Error {}

    static func service(_ store: ScriptedStore) -> CompactionService {
        CompactionService(store: store, settings: StorageSettings(), metrics: HubMetrics(), logger: Logger(label: "test"))
    }

    @Test func spaceIsGivenBackOnceAfterTheLastPass() async {
        let store = ScriptedStore(passes: [4, 5, 4, 1])
        let report = await Self.service(store).drain(now: 1_000_000_000)
        #expect(report.chunks == 14 && report.readings == 1_400)
        #expect(await store.calls == ["compact", "compact", "compact", "compact", "reclaim"])
    }

    @Test func aFailedPassGivesNothingBack() async {
        let store = ScriptedStore(passes: [4, 4], failing: true)
        let report = await Self.service(store).drain(now: 1_000_000_000)
        #expect(report.chunks == 4)
        #expect(await store.calls == ["compact", "compact"])
    }
}
