import Foundation
import GRDB
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Raw readings live in the head, in chunks, or both: every read gives the same answer wherever
/// they are, late readings are merged into their chunk, retention drops whole chunks, a corrupt
/// chunk is reported by name and skipped (its late readings stay in the head), and a database written by the previous release compacts in place.
@Suite struct ChunkedTelemetryTests {
    typealias Backend = StoreContractTests.Backend

    static let base: Int64 = 1_796_083_200_000  // 2026-12-01T00:00:00Z
    static let block = TelemetryChunking.blockMs

    /// 3 h of readings every 10 s for 2 substations × 2 feeders, some without current, one feeder
    /// also without frequency now and then — and its writes in a shuffled order.
    static func readings(seed: UInt64 = 1, from: Int64 = base, count: Int = 1080) -> [Telemetry] {
        var rng = SplitMix(seed)
        var out: [Telemetry] = []
        for i in 0..<count {
            for sub in ["SUB001", "SUB002"] {
                for feeder in ["FDR001", "FDR002"] {
                    var t = Telemetry(
                        substationID: SubstationID(sub), feederID: FeederID(feeder), voltageKV: 230 + rng.decimal(2, 2),
                        currentA: 1000 + rng.decimal(50, 1), powerMW: 275 + rng.decimal(5, 2), frequencyHz: 60 + rng.decimal(0.02, 3),
                        ts: SourceTime(epochMilliseconds: from + Int64(i) * 10_000))
                    if i % 97 == 0 { t.currentA = nil }
                    if feeder == "FDR002", i % 13 == 0 { t.frequencyHz = nil }
                    out.append(t)
                }
            }
        }
        return out
    }

    static func store(_ readings: [Telemetry], into store: any HubStore, batch: Int = 500) async throws {
        for start in stride(from: 0, to: readings.count, by: batch) {
            let slice = readings[start..<min(start + batch, readings.count)]
            _ = try await store.commit([IngestWrite(telemetry: slice.map { StoredTelemetry($0, arrival: 1) }, arrival: 1)])
        }
    }

    /// Everything a raw read can answer, over windows that cross block boundaries.
    struct Answers: Equatable {
        var series: [[TimeSeriesPoint]]
        var frequency: [FrequencySeries]
        var windows: [FrequencyWindow]
    }

    static func answers(_ store: any HubStore) async throws -> Answers {
        var series: [[TimeSeriesPoint]] = []
        var frequency: [FrequencySeries] = []
        for (from, minutes) in [(base + block - 600_000, 20), (base, 10), (base + 3 * 3_600_000 - 60_000, 25), (base + 3 * 3_600_000 - 300_000, 15)] {
            let window = SeriesWindow(from: from, to: from + Int64(minutes) * 60_000, maxPoints: 1500)
            for sub in ["SUB001", "SUB002"] {
                let (resolution, points) = try await store.timeSeries(substation: SubstationID(sub), window: window)
                #expect(resolution == 0, "a \(minutes)-minute window is answered raw")
                series.append(points)
            }
            let (resolution, f) = try await store.frequencySeries(window: window, scope: .all)
            #expect(resolution == 0)
            frequency += f
        }
        let windows = try await store.frequencyWindows(size: 20, freshSince: .min)
        return Answers(series: series, frequency: frequency, windows: windows)
    }

    static func compactAll(_ store: any HubStore) async throws -> CompactionReport {
        var total = CompactionReport()
        while true {
            let r = try await store.compact(before: .max, maxChunks: 3)
            total.chunks += r.chunks
            total.readings += r.readings
            if r.chunks == 0 { return total }
        }
    }

    static func count(_ store: any HubStore, _ sql: String) async throws -> Int {
        try await StoreTestData.count(store, sql)
    }

    @Test(arguments: Backend.allCases)
    func answersAreTheSameFromTheHeadFromChunksAndFromAMix(_ backend: Backend) async throws {
        let compacted = try await StoreContractTests.makeStore(backend)
        let reference = try await StoreContractTests.makeStore(backend)  // never compacted: everything stays in the head
        let first = Self.readings()
        for t in [compacted, reference] { try await Self.store(first, into: t) }
        let fromHead = try await Self.answers(compacted)
        #expect(fromHead.series.allSatisfy { !$0.isEmpty } && !fromHead.windows.isEmpty)

        let report = try await Self.compactAll(compacted)
        #expect(report.readings == first.count)
        #expect(report.chunks == 2 * 2 * 2, "3 h of 4 series span two 2-hour blocks")
        #expect(try await Self.count(compacted, "SELECT count(*) FROM telemetry") == 0)
        #expect(try await Self.answers(compacted) == fromHead)

        // Late readings into a compacted block (an edge's backlog), a rewrite of an existing reading,
        // and new ones after it: head and chunks together answer as the head alone does.
        var late = Self.readings(seed: 2, from: Self.base + 5_000, count: 300)
        late.append(Telemetry(substationID: "SUB001", feederID: "FDR001", voltageKV: 240, frequencyHz: 60.05,
                              ts: SourceTime(epochMilliseconds: Self.base + 500 * 10_000)))
        late += Self.readings(seed: 3, from: Self.base + 1080 * 10_000, count: 60)
        for t in [compacted, reference] { try await Self.store(late, into: t) }
        #expect(try await Self.answers(compacted) == (try await Self.answers(reference)))
        let rewritten = try await compacted.timeSeries(substationID: "SUB001", at: Self.base + 500 * 10_000)
        #expect(rewritten.first { $0.feederID == "FDR001" }?.voltageKV == 240, "the later write of that source time wins")

        _ = try await Self.compactAll(compacted)
        #expect(try await Self.answers(compacted) == (try await Self.answers(reference)))
    }

    @Test(arguments: Backend.allCases)
    func aLaterWriteOfTheSameSourceTimeReplacesTheReadingInAChunk(_ backend: Backend) async throws {
        let t = try await StoreContractTests.makeStore(backend)
        let ts = SourceTime(epochMilliseconds: Self.base + 60_000)
        try await Self.store([Telemetry(substationID: "SUB001", feederID: "FDR001", voltageKV: 230, frequencyHz: 60, ts: ts)], into: t)
        _ = try await Self.compactAll(t)
        try await Self.store([Telemetry(substationID: "SUB001", feederID: "FDR001", voltageKV: 231.5, ts: ts)], into: t)
        for _ in 0..<2 {
            let window = SeriesWindow(from: ts.epochMilliseconds - 1000, to: ts.epochMilliseconds + 1000, maxPoints: 1500)
            let points = try await t.timeSeries(substation: "SUB001", window: window).points
            #expect(points.count == 1)
            #expect(points.first?.voltageKV == 231.5 && points.first?.frequencyHz == nil, "the whole reading is replaced")
            _ = try await Self.compactAll(t)
        }
        #expect(try await Self.count(t, "SELECT count(*) FROM telemetry_chunks") == 1)
    }

    @Test(arguments: Backend.allCases)
    func compactionLeavesTheHeadWindowAndRetentionDropsWholeChunks(_ backend: Backend) async throws {
        let t = try await StoreContractTests.makeStore(backend)
        try await Self.store(Self.readings(), into: t)
        // Only readings before the cutoff move; the block still open keeps its newer readings raw.
        let cutoff = Self.base + Self.block + 30 * 60_000
        while try await t.compact(before: cutoff, maxChunks: 16).chunks > 0 {}
        let head = try await Self.count(t, "SELECT count(*) FROM telemetry")
        #expect(head == 4 * (1080 - 900), "readings from 2:30 on stay in the head")
        #expect(try await Self.count(t, "SELECT min(ts) FROM telemetry") == Int(cutoff))
        // Retention: the first block's chunks end before 2:00 and go whole; the second block's
        // chunks straddle the cutoff and stay whole.
        let report = try await t.applyRetention(
            rawBefore: Self.base + Self.block + 1, rollupBefore: 0, eventsBefore: 0, scoresBefore: 0)
        #expect(report.telemetry == 4 * 720)
        #expect(try await Self.count(t, "SELECT count(*) FROM telemetry_chunks") == 4)
    }

    @Test func reclaimingSpaceGivesTheHeadsPagesBackOnANewDatabase() async throws {
        let t = try await TestHub.make()
        #expect(try await Self.count(t.hub.sqlite, "PRAGMA auto_vacuum") == 2, "incremental")
        try await Self.store(Self.readings(), into: t.hub.sqlite)
        let filled = try await Self.count(t.hub.sqlite, "PRAGMA page_count")
        _ = try await Self.compactAll(t.hub.sqlite)
        let freed = try await Self.count(t.hub.sqlite, "PRAGMA freelist_count")
        #expect(freed > 16, "compaction passes leave the pages they free for reuse (\(freed))")
        try await t.hub.sqlite.reclaimSpace()
        let free = try await Self.count(t.hub.sqlite, "PRAGMA freelist_count")
        let pages = try await Self.count(t.hub.sqlite, "PRAGMA page_count")
        #expect(free < 16, "\(free) free pages left in the file")
        #expect(pages < filled / 2, "the file kept \(pages) of \(filled) pages")
    }

    @Test(arguments: Backend.allCases)
    func aCorruptChunkIsReportedNamingItAndIsNeverRewritten(_ backend: Backend) async throws {
        let t = try await StoreContractTests.makeStore(backend)
        try await Self.store(Self.readings(count: 30), into: t)
        _ = try await Self.compactAll(t)
        try await StoreTestData.execute(
            t,
            sqlite: """
                UPDATE telemetry_chunks SET data = substr(data, 1, 20) || x'FF' || substr(data, 22)
                WHERE substation_id = 'SUB001' AND feeder_id = 'FDR002'
                """,
            postgres: """
                UPDATE telemetry_chunks SET data = overlay(data PLACING '\\xff'::bytea FROM 21 FOR 1)
                WHERE substation_id = 'SUB001' AND feeder_id = 'FDR002'
                """)
        let window = SeriesWindow(from: Self.base, to: Self.base + 300_000, maxPoints: 1500)
        await #expect {
            _ = try await t.timeSeries(substation: "SUB001", window: window)
        } throws: { error in
            let corrupt = error as? CorruptChunkError
            return corrupt?.substationID == "SUB001" && corrupt?.feederID == "FDR002" && corrupt?.blockStart == Self.base
        }
        // A late reading for that block stays in the head instead of replacing the damaged chunk.
        try await Self.store([Telemetry(substationID: "SUB001", feederID: "FDR002", voltageKV: 231, ts: SourceTime(epochMilliseconds: Self.base + 1))], into: t)
        let report = try await t.compact(before: .max, maxChunks: 16)
        #expect(report.chunks == 0 && report.skipped.count == 1 && report.skipped[0].contains("SUB001/FDR002"), "\(report)")
        #expect(try await Self.count(t, "SELECT count(*) FROM telemetry") == 1)
        // Other series are still served.
        #expect(try await t.timeSeries(substation: "SUB002", window: window).points.count == 2 * 30)
    }

    @Test func aDatabaseWrittenByThePreviousReleaseCompactsInPlaceWithTheSameAnswers() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/release-0-telemetry.sqlite")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: fixture, to: dir.appendingPathComponent("hop.sqlite"))
        let store = try SQLiteStore(path: dir.appendingPathComponent("hop.sqlite").path)  // migrates in place
        // Its head held 4,321 rows, two of them writes of one source time: the upgrade keeps the later.
        #expect(try await Self.count(store, "SELECT count(*) FROM telemetry") == 4320)
        let before = try await Self.answers(store)
        let report = try await Self.compactAll(store)
        #expect(report.readings == 4320)
        #expect(try await Self.count(store, "SELECT sum(points) FROM telemetry_chunks") == 4320, "the duplicate source time is one reading")
        #expect(try await Self.answers(store) == before)
        try await store.close()
    }
}

extension TelemetryQueries {
    /// Raw points of one substation at one source time (test helper).
    func timeSeries(substationID: SubstationID, at ts: Int64) async throws -> [TimeSeriesPoint] {
        try await timeSeries(substation: substationID, window: SeriesWindow(from: ts, to: ts, maxPoints: 1500)).points
    }
}

/// A tiny seeded generator, so the data (and any failure) reproduces.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A value in ±`spread` rounded to `decimals` places.
    mutating func decimal(_ spread: Double, _ decimals: Int) -> Double {
        let unit = Double(next() >> 11) / Double(1 << 53) * 2 - 1
        let scale = pow(10, Double(decimals))
        return (unit * spread * scale).rounded() / scale
    }
}
