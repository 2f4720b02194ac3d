import Foundation
import GRDB
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Long ranges are answered from per-minute statistics: those compaction keeps per block
/// (`telemetry_minutes`) and the per-minute rows of readings still in the head (`telemetry_1m`).
/// Wherever the readings are, the buckets are the same; retention prunes them by minute.
@Suite struct MinuteStatisticsTests {
    typealias Backend = StoreContractTests.Backend
    typealias C = ChunkedTelemetryTests
    static let base = C.base
    static let minute: Int64 = 60_000

    struct BucketAnswers {
        var series: [(Int, [TimeSeriesPoint])]
        var frequency: [(Int, [FrequencySeries])]
    }

    /// Bucketed answers over windows that cross block boundaries and start off a bucket edge.
    static func answers(_ store: any HubStore) async throws -> BucketAnswers {
        var result = BucketAnswers(series: [], frequency: [])
        for (from, to, maxPoints) in [
            (base, base + 3 * 3_600_000, 30), (base + 7 * minute + 13_000, base + 160 * minute, 20), (base + 110 * minute, base + 130 * minute, 5),
        ] {
            let window = SeriesWindow(from: from, to: to, maxPoints: maxPoints)
            for sub in ["SUB001", "SUB002"] {
                let answer = try await store.timeSeries(substation: SubstationID(sub), window: window)
                #expect(answer.resolutionSeconds > 0, "buckets for \(maxPoints) points")
                result.series.append((answer.resolutionSeconds, answer.points))
            }
            let f = try await store.frequencySeries(window: window, scope: .all)
            result.frequency.append((f.resolutionSeconds, f.series))
        }
        return result
    }

    /// Same buckets, same extremes, and means equal up to the order floating-point sums were
    /// taken in (the statistics keep exact decimal sums; the head's rows add commit by commit).
    static func expectSame(_ a: BucketAnswers, _ b: BucketAnswers, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        func close(_ x: Double?, _ y: Double?) -> Bool {
            guard let x, let y else { return x == nil && y == nil }
            return abs(x - y) <= 1e-9 * max(1, abs(x))
        }
        func closeValues(_ x: MetricValues?, _ y: MetricValues?) -> Bool {
            guard let x, let y else { return x == nil && y == nil }
            return close(x.voltageKV, y.voltageKV) && close(x.currentA, y.currentA) && close(x.powerMW, y.powerMW) && close(x.frequencyHz, y.frequencyHz)
        }
        #expect(a.series.count == b.series.count && a.frequency.count == b.frequency.count, sourceLocation: sourceLocation)
        for ((ra, pa), (rb, pb)) in zip(a.series, b.series) {
            #expect(ra == rb && pa.count == pb.count, "\(context): \(pa.count) vs \(pb.count) points", sourceLocation: sourceLocation)
            for (x, y) in zip(pa, pb) {
                let same = x.time == y.time && x.feederID == y.feederID && x.min == y.min && x.max == y.max
                    && closeValues(MetricValues(voltageKV: x.voltageKV, currentA: x.currentA, powerMW: x.powerMW, frequencyHz: x.frequencyHz),
                                   MetricValues(voltageKV: y.voltageKV, currentA: y.currentA, powerMW: y.powerMW, frequencyHz: y.frequencyHz))
                #expect(same, "\(context): \(x) vs \(y)", sourceLocation: sourceLocation)
                if !same { return }
            }
        }
        for ((ra, sa), (rb, sb)) in zip(a.frequency, b.frequency) {
            #expect(ra == rb && sa.map(\.substationID) == sb.map(\.substationID), "\(context)", sourceLocation: sourceLocation)
            for (x, y) in zip(sa, sb) {
                #expect(x.points.count == y.points.count, "\(context)", sourceLocation: sourceLocation)
                for (p, q) in zip(x.points, y.points) {
                    let same = p.time == q.time && close(p.frequencyHz, q.frequencyHz) && p.minHz == q.minHz && p.maxHz == q.maxHz
                    #expect(same, "\(context): \(p) vs \(q)", sourceLocation: sourceLocation)
                    if !same { return }
                }
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func bucketsAreTheSameFromTheHeadFromChunksAndFromAMix(_ backend: Backend) async throws {
        let compacted = try await StoreContractTests.makeStore(backend)
        let reference = try await StoreContractTests.makeStore(backend)  // never compacted
        for t in [compacted, reference] { try await C.store(C.readings(), into: t) }
        let store = compacted
        Self.expectSame(try await Self.answers(store), try await Self.answers(reference), "head only")

        _ = try await C.compactAll(store)
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_1m") == 0, "compacted minutes leave the per-minute rows")
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_minutes") == 2 * 2 * 2)
        #expect(try await C.count(store, "SELECT sum(minutes) FROM telemetry_minutes") == 4 * 180)
        Self.expectSame(try await Self.answers(store), try await Self.answers(reference), "all compacted")

        // Late readings between the compacted ones (an edge's backlog) and new ones after them.
        let late = C.readings(seed: 2, from: Self.base + 5_000, count: 300) + C.readings(seed: 3, from: Self.base + 1080 * 10_000, count: 60)
        for t in [compacted, reference] { try await C.store(late, into: t) }
        Self.expectSame(try await Self.answers(store), try await Self.answers(reference), "chunks and head")
        // Partly compacted: the closed block takes its late readings; the block still being
        // written waits until its head part is 10 minutes older than the cutoff.
        while try await store.compact(before: Self.base + 3 * 3_600_000 + 4 * Self.minute + 30_000, maxChunks: 16).chunks > 0 {}
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_1m WHERE minute < \(Self.base + 2 * 3_600_000)") == 0)
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_1m") == 4 * 10, "the open block's 10 new minutes wait in the head")
        Self.expectSame(try await Self.answers(store), try await Self.answers(reference), "partly compacted")
        while try await store.compact(before: Self.base + 3 * 3_600_000 + 14 * Self.minute + 30_000, maxChunks: 16).chunks > 0 {}
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_1m") == 0, "10 minutes later they are compacted")
        Self.expectSame(try await Self.answers(store), try await Self.answers(reference), "open block compacted")
        _ = try await C.compactAll(store)
        Self.expectSame(try await Self.answers(store), try await Self.answers(reference), "compacted again")
    }

    @Test(arguments: Backend.allCases)
    func aRewrittenReadingCountsOnceOnceCompacted(_ backend: Backend) async throws {
        let t = try await StoreContractTests.makeStore(backend)
        let ts = Self.base + 90_000
        try await C.store([Telemetry(substationID: "SUB001", feederID: "FDR001", voltageKV: 230, ts: SourceTime(epochMilliseconds: ts))], into: t)
        _ = try await C.compactAll(t)
        try await C.store([Telemetry(substationID: "SUB001", feederID: "FDR001", voltageKV: 240, ts: SourceTime(epochMilliseconds: ts))], into: t)
        let window = SeriesWindow(from: Self.base, to: Self.base + 3_600_000, maxPoints: 10)
        // Until compaction the rewrite's minute row adds to the statistics; compaction keeps the later reading only.
        let before = try await t.timeSeries(substation: "SUB001", window: window).points
        #expect(before.count == 1 && before[0].voltageKV == 235)
        _ = try await C.compactAll(t)
        let after = try await t.timeSeries(substation: "SUB001", window: window).points
        #expect(after.count == 1 && after[0].voltageKV == 240 && after[0].min?.voltageKV == 240 && after[0].max?.voltageKV == 240)
    }

    @Test(arguments: Backend.allCases)
    func retentionPrunesMinuteStatisticsByTheMinute(_ backend: Backend) async throws {
        let t = try await StoreContractTests.makeStore(backend)
        let store = t
        try await C.store(C.readings(), into: store)
        _ = try await C.compactAll(store)
        let cutoff = Self.base + 150 * Self.minute
        let report = try await store.applyRetention(rawBefore: 0, rollupBefore: cutoff, eventsBefore: 0, scoresBefore: 0)
        #expect(report.rollups == 4 * 150, "every minute before the cutoff, of 4 series")
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_minutes") == 4, "the first block whole, the second rewritten")
        #expect(try await C.count(store, "SELECT sum(minutes) FROM telemetry_minutes") == 4 * 30)
        let points = try await store.timeSeries(substation: "SUB001", window: SeriesWindow(from: Self.base, to: Self.base + 3 * 3_600_000, maxPoints: 10)).points
        #expect(!points.isEmpty && points.allSatisfy { $0.time.epochMilliseconds >= Self.base + 2 * 3_600_000 })
        let f = try await store.frequencySeries(window: SeriesWindow(from: Self.base, to: cutoff - 1, maxPoints: 10), scope: .all)
        #expect(f.series.isEmpty, "nothing is left before the cutoff")
        #expect(try await store.applyRetention(rawBefore: 0, rollupBefore: cutoff, eventsBefore: 0, scoresBefore: 0).rollups == 0)
    }

    @Test(arguments: Backend.allCases)
    func damagedMinuteStatisticsAreReportedByName(_ backend: Backend) async throws {
        let t = try await StoreContractTests.makeStore(backend)
        try await C.store(C.readings(count: 30), into: t)
        _ = try await C.compactAll(t)
        try await StoreTestData.execute(
            t,
            sqlite: """
                UPDATE telemetry_minutes SET data = substr(data, 1, 12) || x'FF' || substr(data, 14)
                WHERE substation_id = 'SUB002' AND feeder_id = 'FDR001'
                """,
            postgres: """
                UPDATE telemetry_minutes SET data = overlay(data PLACING '\\xff'::bytea FROM 13 FOR 1)
                WHERE substation_id = 'SUB002' AND feeder_id = 'FDR001'
                """)
        await #expect {
            // 3-minute buckets, read from the minute statistics (the ten-minute tier, built before
            // the damage, would still answer; TenMinuteTierTests covers its own damage).
            _ = try await t.frequencySeries(window: SeriesWindow(from: Self.base, to: Self.base + 3_600_000, maxPoints: 25), scope: .all)
        } throws: { error in
            let corrupt = error as? CorruptChunkError
            return corrupt?.kind == "minute statistics" && corrupt?.substationID == "SUB002" && corrupt?.feederID == "FDR001"
        }
    }

    @Test func aDatabaseOfThePreviousReleaseAnswersTheSameBucketsOnceCompacted() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/release-0-telemetry.sqlite")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: fixture, to: dir.appendingPathComponent("hop.sqlite"))
        let store = try SQLiteStore(path: dir.appendingPathComponent("hop.sqlite").path)
        let rows = try await C.count(store, "SELECT count(*) FROM telemetry_1m")
        #expect(rows > 0)
        let before = try await Self.answers(store)
        _ = try await C.compactAll(store)
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_1m") == 0)
        // The fixture holds one source time twice; its rows counted both, the statistics the later one.
        let after = try await Self.answers(store)
        #expect(after.series.map(\.1.count) == before.series.map(\.1.count))
        try await store.close()
    }
}
