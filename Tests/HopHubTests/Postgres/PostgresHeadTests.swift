import Foundation
import HopChunks
import HopProtocol
import HopTestSupport
import Logging
import PostgresNIO
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// The PostgreSQL head holds a row per write, series and chunk block (`telemetry_head`). A later
/// write of a reading is a later row; readers, compaction and retention must see one reading per
/// series and time, the newest, and move or remove exactly the readings they are asked to.
@Suite struct PostgresHeadTests {
    static let logger = Logger(label: "test")

    static func write(_ times: [Int64], volts: Double, feeder: String = "FDR001", arrival: Int64) -> IngestWrite {
        IngestWrite(telemetry: times.map { ts in
            StoredTelemetry(
                Telemetry(substationID: "SUB001", feederID: FeederID(feeder), deviceID: "RTU-1", voltageKV: volts, frequencyHz: 50 + volts / 1000,
                          ts: SourceTime(epochMilliseconds: ts)),
                arrival: arrival)
        }, arrival: arrival)
    }

    /// Every raw reading of SUB001 (chunks and head) as time → volts, per feeder.
    static func readings(_ store: PostgresStore, feeder: String = "FDR001") async throws -> [Int64: Double] {
        let raw = try await store.client.withConnection { c in
            try await PostgresStore.rawReadings(c, substation: "SUB001", from: .min, to: .max, logger: logger)
        }
        var byTime: [Int64: Double] = [:]
        for r in raw where r.feederID == feeder {
            #expect(byTime[r.point.ts] == nil, "one reading per time")
            byTime[r.point.ts] = r.point.voltageKV
        }
        return byTime
    }

    static func integer(_ store: PostgresStore, _ sql: String) async throws -> Int64 {
        try await store.client.withConnection { try await $0.integer(PostgresQuery(unsafeSQL: sql), logger: logger) }
    }

    @Test func aLaterWriteOfAReadingIsReadScoredAndCompactedAsItsValue() async throws {
        let store = try await PostgresTestCluster.shared.freshStore()
        let now = SourceTime.now().epochMilliseconds
        let block = TelemetryChunking.blockStart(now) - TelemetryChunking.blockMs
        let times = (0..<10).map { block + $0 * 1_000 }
        #expect(try await store.commit([Self.write(times, volts: 1, arrival: now)]) == [.stored])
        #expect(try await store.commit([Self.write([times[4], times[9]], volts: 99, arrival: now)]) == [.stored])
        let expected = Dictionary(uniqueKeysWithValues: times.map { ($0, $0 == times[4] || $0 == times[9] ? 99.0 : 1.0) })
        #expect(try await Self.readings(store) == expected)
        #expect(try await Self.integer(store, "SELECT count(*) FROM telemetry") == 10, "the view shows one reading per key")
        #expect(try await Self.integer(store, "SELECT count(*) FROM telemetry WHERE voltage_kv = 99") == 2)
        let window = try await store.frequencyWindows(size: 10, freshSince: .min)
        #expect(window.first?.readings.last == 50 + 99.0 / 1000 && window.first?.latestTs == times[9])

        let report = try await store.compact(before: now, maxChunks: 16, openBlockDelayMs: 0)
        #expect(report.chunks == 1 && report.readings == 10)
        #expect(try await Self.integer(store, "SELECT count(*) FROM telemetry_head") == 0)
        #expect(try await Self.readings(store) == expected, "the chunk holds the newer values")
    }

    @Test func compactingTheOpenBlockTrimsARowReachingPastTheCutoffAndKeepsTheRest() async throws {
        let store = try await PostgresTestCluster.shared.freshStore()
        let now = SourceTime.now().epochMilliseconds
        // The cutoff a minute into a block; one write from 30 s before it to 30 s after it.
        let cutoff = TelemetryChunking.blockStart(now) - TelemetryChunking.blockMs + 60_000
        let times = (-30..<30).map { cutoff + Int64($0) * 1_000 }
        #expect(try await store.commit([Self.write(times, volts: 7, arrival: now)]) == [.stored])
        #expect(try await store.commit([Self.write([cutoff + 10_000], volts: 8, arrival: now)]) == [.stored])
        let before = try await Self.integer(store, "SELECT id FROM telemetry_head ORDER BY id LIMIT 1")

        let report = try await store.compact(before: cutoff, maxChunks: 16, openBlockDelayMs: 0)
        #expect(report.chunks == 1 && report.readings == 30)
        #expect(try await Self.integer(store, "SELECT points FROM telemetry_chunks") == 30)
        #expect(try await Self.integer(store, "SELECT coalesce(sum(points), 0)::int8 FROM telemetry_head") == 31)
        #expect(try await Self.integer(store, "SELECT min(first_ts) FROM telemetry_head") == cutoff)
        #expect(try await Self.integer(store, "SELECT id FROM telemetry_head ORDER BY id LIMIT 1") == before, "the trimmed row keeps its place")
        var expected = Dictionary(uniqueKeysWithValues: times.map { ($0, 7.0) })
        expected[cutoff + 10_000] = 8
        #expect(try await Self.readings(store) == expected, "every reading once, the rewrite still on top")

        #expect(try await store.compact(before: now, maxChunks: 16, openBlockDelayMs: 0).readings == 30, "the rewrite and its older value are one reading")
        #expect(try await Self.integer(store, "SELECT points FROM telemetry_chunks") == 60)
        #expect(try await Self.readings(store) == expected)
    }

    @Test func retentionRemovesExactlyTheHeadReadingsBeforeItsCutoff() async throws {
        let store = try await PostgresTestCluster.shared.freshStore()
        let now = SourceTime.now().epochMilliseconds
        let cutoff = TelemetryChunking.blockStart(now) - 30_000
        #expect(try await store.commit([
            Self.write((0..<20).map { cutoff - 100_000 + $0 * 1_000 }, volts: 1, arrival: now),
            Self.write((0..<20).map { cutoff - 10_000 + $0 * 1_000 }, volts: 2, arrival: now),
        ]) == [.stored, .stored])
        let report = try await store.applyRetention(rawBefore: cutoff, rollupBefore: .min, eventsBefore: .min, scoresBefore: .min)
        #expect(report.telemetry == 30)
        #expect(try await Self.readings(store).keys.sorted() == (0..<10).map { cutoff + $0 * 1_000 })
    }

    @Test func theMigrationMovesTheHeadsRowsIntoWriteRowsAndTheViewShowsThemAsBefore() async throws {
        let store = try await PostgresTestCluster.shared.freshStore()
        // The schema as before the migration: the head as a table of readings.
        for sql in ["DROP VIEW telemetry", "DROP TABLE telemetry_head", PostgresSchema.telemetry.statements[0]] {
            _ = try await store.fetch(PostgresQuery(unsafeSQL: sql))
        }
        let block = TelemetryChunking.blockMs
        _ = try await store.fetch(
            """
            INSERT INTO telemetry (substation_id, ts, feeder_id, device_id, voltage_kv, frequency_hz, received_at)
            VALUES ('SUB001', 1000, 'F1', 'D1', 1, 50, 5), ('SUB001', 2000, 'F1', 'D1', 2, NULL, 5),
                   ('SUB001', 3000, 'F1', NULL, 3, 50.1, 6), ('SUB001', \(block + 1000), 'F1', 'D1', 4, 50, 6),
                   ('SUB001', -1000, 'F2', 'D2', 5, 49.9, 5), ('SUB002', 1000, 'F1', 'D3', 6, 50, 5)
            """)
        let before = try await store.fetch("SELECT row(telemetry.*)::text FROM telemetry ORDER BY 1").decode(String.self)
        for sql in PostgresSchema.telemetryHead.statements { _ = try await store.fetch(PostgresQuery(unsafeSQL: sql)) }
        let after = try await store.fetch("SELECT row(telemetry.*)::text FROM telemetry ORDER BY 1").decode(String.self)
        #expect(after == before && after.count == 6)
        // One row per series, block and arrival; the negative time in the block before zero.
        #expect(try await Self.integer(store, "SELECT count(*) FROM telemetry_head") == 5)
        #expect(try await Self.integer(store, "SELECT block_start FROM telemetry_head WHERE feeder_id = 'F2'") == -block)
    }
}
