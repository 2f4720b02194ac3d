import Foundation
import GRDB
import HopChunks
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubPostgres
@testable import HopHubSQLite

/// Buckets of whole ten-minute periods are read from the ten-minute tier (`telemetry_ten_minutes`,
/// one row per series and day) instead of the minute statistics: the same buckets wherever the
/// readings are (head, chunks, a mix), after retention, with a damaged tier row, and on a database
/// of the previous schema that gains the tier in place.
@Suite struct TenMinuteTierTests {
    typealias Backend = StoreContractTests.Backend
    typealias C = ChunkedTelemetryTests
    typealias M = MinuteStatisticsTests
    static let base = C.base
    static let minute: Int64 = 60_000

    /// Readings of the day before `base` too, so windows cross a day (a tier row) boundary.
    static func readings() -> [Telemetry] {
        C.readings() + C.readings(seed: 7, from: base - 3_600_000 + 5_000, count: 300)
    }

    /// Widths × windows: starts on and off period edges, ends inside a period, a block, a day.
    static let windows: [(width: Int64, from: Int64, to: Int64)] = {
        var out: [(width: Int64, from: Int64, to: Int64)] = []
        for width: Int64 in [600_000, 1_200_000, 1_800_000, 3_600_000] {
            for (from, to) in [
                (base - 3_600_000, base + 4 * 3_600_000), (base - 17 * minute, base + 3 * 3_600_000),
                (base + 25 * minute, base + 157 * minute + 20_000), (base + 3 * minute, base + 95 * minute),
                (base + 60 * minute, base + 60 * minute),
            ] {
                out.append((width, MinuteBuckets.bucket(from, width), to))
            }
        }
        return out
    }()

    /// The buckets from the tier and from the minute statistics, side by side, for every window.
    static func bothWays(_ store: any HubStore) async throws -> (tier: M.BucketAnswers, minutes: M.BucketAnswers) {
        /// Each substation's periods (tier) and minutes, all quantities then frequency only, read by the backend.
        typealias Read = @Sendable (_ sub: String, _ from: Int64, _ to: Int64, _ only: ChunkColumn?) async throws
            -> (tier: [FeederMinutes], minutes: [FeederMinutes])
        let read: Read
        if let pg = store as? PostgresStore {
            read = { sub, from, to, only in
                // Both substations read by one statement per table, as the dashboard queries do: each answer picked from it.
                try await pg.read { c in
                    let subs = ["SUB001", "SUB002"]
                    return (try await PostgresStore.tenMinutePeriods(c, substations: subs, from: from, to: to, only: only, logger: pg.logger)[sub] ?? [],
                            try await PostgresStore.minutes(c, substations: subs, from: from, to: to, only: only, logger: pg.logger)[sub] ?? [])
                }
            }
        } else {
            let sqlite = try #require(store as? SQLiteStore)
            read = { sub, from, to, only in
                try await sqlite.pool.read { db in
                    (try SQLiteStore.tenMinutePeriods(db, substation: sub, from: from, to: to, only: only),
                     try SQLiteStore.minutes(db, substation: sub, from: from, to: to, only: only))
                }
            }
        }
        var tier = M.BucketAnswers(series: [], frequency: [])
        var minutes = M.BucketAnswers(series: [], frequency: [])
        for (width, from, to) in windows {
            for sub in ["SUB001", "SUB002"] {
                let (a, b) = try await read(sub, from, to, nil)
                tier.series.append((Int(width), MinuteBuckets.timeSeries(a, widthMs: width, from: from, to: to)))
                minutes.series.append((Int(width), MinuteBuckets.timeSeries(b, widthMs: width, from: from, to: to)))
                let (fa, fb) = try await read(sub, from, to, .frequencyHz)
                tier.frequency.append((Int(width), [FrequencySeries(
                    substationID: SubstationID(sub), points: MinuteBuckets.frequency(fa, widthMs: width, from: from, to: to))]))
                minutes.frequency.append((Int(width), [FrequencySeries(
                    substationID: SubstationID(sub), points: MinuteBuckets.frequency(fb, widthMs: width, from: from, to: to))]))
            }
        }
        return (tier, minutes)
    }

    static func expectTierMatchesMinutes(_ store: any HubStore, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (tier, minutes) = try await bothWays(store)
        #expect(tier.series.contains { !$0.1.isEmpty }, "\(context): some buckets", sourceLocation: sourceLocation)
        M.expectSame(tier, minutes, context, sourceLocation: sourceLocation)
        try await expectColumnsMatchEntries(store, context, sourceLocation: sourceLocation)
    }

    /// The frequency buckets read column-wise (`quantityInput`, what the frequency plot uses) are
    /// the ones built from whole ``MinuteStats`` entries, bit for bit, for every window: from the
    /// tier (widths of whole periods) and from the minute statistics (others); on PostgreSQL with
    /// both substations read by one statement, as the dashboard does.
    static func expectColumnsMatchEntries(_ store: any HubStore, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        /// A substation's entries, its columns, and its columns through the store's cache of decoded tier rows.
        typealias Read = @Sendable (_ sub: String, _ width: Int64, _ from: Int64, _ to: Int64) async throws
            -> (entries: [FeederMinutes], columns: [QuantityColumns], cached: [QuantityColumns])
        let read: Read
        if let pg = store as? PostgresStore {
            read = { sub, width, from, to in
                try await pg.read { c in
                    let subs = ["SUB001", "SUB002"]
                    let entries = try await PostgresStore.bucketInput(
                        c, substations: subs, widthMs: width, from: from, to: to, only: .frequencyHz, logger: pg.logger)
                    let columns = try await PostgresStore.quantityInput(
                        c, substations: subs, widthMs: width, from: from, to: to, column: .frequencyHz, logger: pg.logger)
                    let cached = try await PostgresStore.quantityInput(
                        c, substations: subs, widthMs: width, from: from, to: to, column: .frequencyHz, cache: pg.tierCache, logger: pg.logger)
                    return (entries[sub] ?? [], columns[sub] ?? [], cached[sub] ?? [])
                }
            }
        } else {
            let sqlite = try #require(store as? SQLiteStore)
            read = { sub, width, from, to in
                try await sqlite.pool.read { db in
                    (try SQLiteStore.bucketInput(db, substation: sub, widthMs: width, from: from, to: to, only: .frequencyHz),
                     try SQLiteStore.quantityInput(db, substation: sub, widthMs: width, from: from, to: to, column: .frequencyHz),
                     try SQLiteStore.quantityInput(
                        db, substation: sub, widthMs: width, from: from, to: to, column: .frequencyHz, cache: sqlite.tierCache))
                }
            }
        }
        let bits = MinuteBucketsFrequencyTests.bits
        var compared = 0
        for (width, from, to) in windows + windows.map({ ($0.width / 10, $0.from, $0.to) }) {
            for sub in ["SUB001", "SUB002"] {
                let (entries, columns, cached) = try await read(sub, width, from, to)
                let expected = MinuteBuckets.frequency(entries, widthMs: width, from: from, to: to)
                let actual = MinuteBuckets.frequency(columns, widthMs: width, from: from, to: to)
                #expect(bits(actual) == bits(expected), "\(context): \(sub) width \(width) \(from)...\(to)", sourceLocation: sourceLocation)
                // Through the store's cache, kept since the store opened: rows rewritten since
                // (late readings, compaction, retention, damage) are not served stale.
                #expect(
                    bits(MinuteBuckets.frequency(cached, widthMs: width, from: from, to: to)) == bits(expected),
                    "\(context), cached: \(sub) width \(width) \(from)...\(to)", sourceLocation: sourceLocation)
                compared += expected.count
            }
        }
        #expect(compared > 0, "\(context): some frequency buckets", sourceLocation: sourceLocation)
    }

    @Test func longRangeBucketWidthsAreWholeTenMinutePeriods() {
        let week = SeriesWindow(from: 0, to: 10_080 * Self.minute, maxPoints: 1500)
        #expect(SeriesResolution.choose(window: week, rawPointsPerSeries: .max) == .buckets(seconds: 600))
        let fiveDays = SeriesWindow(from: 0, to: 7_200 * Self.minute, maxPoints: 1500)
        #expect(SeriesResolution.choose(window: fiveDays, rawPointsPerSeries: .max) == .buckets(seconds: 300))
        let day = SeriesWindow(from: 0, to: 1_440 * Self.minute, maxPoints: 1500)
        #expect(SeriesResolution.choose(window: day, rawPointsPerSeries: .max) == .buckets(seconds: 60))
        let month = SeriesWindow(from: 0, to: 43_200 * Self.minute, maxPoints: 1500)
        #expect(SeriesResolution.choose(window: month, rawPointsPerSeries: .max) == .buckets(seconds: 1800))
    }

    @Test(arguments: Backend.allCases)
    func tierBucketsAreTheMinuteBucketsInTheHeadInChunksAndInAMix(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        try await C.store(Self.readings(), into: store)
        try await Self.expectTierMatchesMinutes(store, "head only")
        _ = try await C.compactAll(store)
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_ten_minutes") == 2 * 2 * 2, "series × days")
        #expect(try await C.count(store, "SELECT sum(periods) FROM telemetry_ten_minutes") == 4 * (18 + 5))
        try await Self.expectTierMatchesMinutes(store, "compacted")
        try await C.store(C.readings(seed: 2, from: Self.base + 5_000, count: 300) + C.readings(seed: 3, from: Self.base + 1080 * 10_000, count: 60), into: store)
        try await Self.expectTierMatchesMinutes(store, "chunks and late readings in the head")
        while try await store.compact(before: Self.base + 3 * 3_600_000 + 4 * Self.minute + 30_000, maxChunks: 16).chunks > 0 {}
        try await Self.expectTierMatchesMinutes(store, "partly compacted, a period split between tier and head")
        _ = try await C.compactAll(store)
        try await Self.expectTierMatchesMinutes(store, "compacted again")
    }

    @Test(arguments: Backend.allCases)
    func retentionPrunesTheTierWithTheMinutes(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        try await C.store(Self.readings(), into: store)
        _ = try await C.compactAll(store)
        let cutoff = Self.base + 47 * Self.minute + 30_000  // inside a period
        _ = try await store.applyRetention(rawBefore: 0, rollupBefore: cutoff, eventsBefore: 0, scoresBefore: 0)
        #expect(try await C.count(store, "SELECT count(*) FROM telemetry_ten_minutes WHERE day_start < \(Self.base)") == 0, "the day before is gone")
        #expect(try await C.count(store, "SELECT sum(periods) FROM telemetry_ten_minutes") == 4 * (18 - 4), "the cutoff's period keeps its later minutes")
        try await Self.expectTierMatchesMinutes(store, "after retention")
        let week = try await store.timeSeries(substation: "SUB001", window: SeriesWindow(from: Self.base - 3_600_000, to: Self.base + 4 * 3_600_000, maxPoints: 30))
        #expect(week.resolutionSeconds % 600 == 0 && week.points.allSatisfy { $0.time.epochMilliseconds >= Self.base + 40 * Self.minute })
    }

    @Test(arguments: Backend.allCases)
    func aDamagedTierRowIsReadFromTheMinutesAndDamagedMinutesAreNamed(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        try await C.store(Self.readings(), into: store)
        _ = try await C.compactAll(store)
        let (good, _) = try await Self.bothWays(store)
        try await StoreTestData.execute(
            store,
            sqlite: "UPDATE telemetry_ten_minutes SET data = substr(data, 1, 12) || x'FF' || substr(data, 14) WHERE feeder_id = 'FDR001'",
            postgres: "UPDATE telemetry_ten_minutes SET data = overlay(data PLACING '\\xff'::bytea FROM 13 FOR 1) WHERE feeder_id = 'FDR001'")
        let (damaged, minutes) = try await Self.bothWays(store)
        M.expectSame(damaged, good, "tier rows that fail their checksum are not trusted")
        M.expectSame(damaged, minutes, "and the minute statistics answer")
        try await Self.expectColumnsMatchEntries(store, "a damaged tier row, read column-wise")
        try await StoreTestData.execute(
            store,
            sqlite: """
                UPDATE telemetry_minutes SET data = substr(data, 1, 12) || x'FF' || substr(data, 14)
                WHERE substation_id = 'SUB002' AND feeder_id = 'FDR001' AND block_start = \(Self.base)
                """,
            postgres: """
                UPDATE telemetry_minutes SET data = overlay(data PLACING '\\xff'::bytea FROM 13 FOR 1)
                WHERE substation_id = 'SUB002' AND feeder_id = 'FDR001' AND block_start = \(Self.base)
                """)
        // Compaction of a later block of that day rebuilds its tier row: left empty, not guessed.
        try await C.store(C.readings(seed: 4, from: Self.base + 2 * 3_600_000 + 1_000, count: 10), into: store)
        _ = try await C.compactAll(store)
        #expect(try await C.count(store, "SELECT length(data) FROM telemetry_ten_minutes WHERE substation_id = 'SUB002' AND feeder_id = 'FDR001' AND day_start = \(Self.base)") == 0)
        await #expect {
            _ = try await store.frequencySeries(window: SeriesWindow(from: Self.base, to: Self.base + 3 * 3_600_000, maxPoints: 30), scope: .all)
        } throws: { error in
            let corrupt = error as? CorruptChunkError
            return corrupt?.kind == "minute statistics" && corrupt?.substationID == "SUB002" && corrupt?.feederID == "FDR001"
                && corrupt?.blockStart == Self.base
        }
    }
}
