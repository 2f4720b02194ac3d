import Foundation
import GRDB
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The head (`telemetry`) is kept in key order, `(substation_id, ts, feeder_id)`: one row per series
/// and source time (a rewrite replaces it), a v8 database's head is carried over in place, and a
/// compaction pass stopped before its head delete leaves every reading in the head.
@Suite struct ClusteredHeadTests {
    typealias Fixture = ChunkedTelemetryTests
    static let base = ChunkedTelemetryTests.base

    static func count(_ store: SQLiteStore, _ sql: String) async throws -> Int {
        try await ChunkedTelemetryTests.count(store, sql)
    }

    static let rewriteTs = base + 100 * 10_000

    /// 400 readings per series and, last in write order, a rewrite of one of them.
    static func readingsWithARewrite() -> (readings: [Telemetry], rewrite: Telemetry) {
        let rewrite = Telemetry(
            substationID: "SUB001", feederID: "FDR001", voltageKV: 240, frequencyHz: 60.05,
            ts: SourceTime(epochMilliseconds: rewriteTs))
        return (Fixture.readings(count: 400) + [rewrite], rewrite)
    }

    @Test func aRewriteOfASourceTimeReplacesItsHeadRow() async throws {
        let t = try await TestHub.make()
        let readings = Self.readingsWithARewrite().readings
        try await Fixture.store(readings, into: t.hub.sqlite)
        #expect(try await Self.count(t.hub.sqlite, "SELECT count(*) FROM telemetry") == readings.count - 1)
        let points = try await t.hub.sqlite.timeSeries(substationID: "SUB001", at: Self.rewriteTs)
        let point = try #require(points.first { $0.feederID == "FDR001" })
        #expect(point.voltageKV == 240 && point.currentA == nil, "the whole reading is replaced")
    }

    @Test func aV8DatabaseWithHeadRowsUpgradesInPlaceWithTheSameAnswers() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-v10-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("hop.sqlite").path
        let readings = Self.readingsWithARewrite().readings
        // Written by v8's schema: the head a rowid table with an index, a rewrite a second row
        // (v8's ingest appended one row per write; `INSERT OR REPLACE` finds no key to replace there).
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v8-telemetry-minutes")
            try await queue.write { db in
                for start in stride(from: 0, to: readings.count, by: 500) {
                    let slice = readings[start..<min(start + 500, readings.count)]
                    _ = try SQLiteStore.apply(IngestWrite(telemetry: slice.map { StoredTelemetry($0, arrival: 1) }, arrival: 1), db)
                }
            }
            #expect(try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM telemetry") } == readings.count)
            try queue.close()
        }
        let store = try SQLiteStore(path: path)  // migrates in place
        let schema = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'telemetry'") ?? ""
        }
        #expect(schema.contains("WITHOUT ROWID") && schema.contains("PRIMARY KEY (substation_id, ts, feeder_id)"))
        #expect(try await Self.count(store, "SELECT count(*) FROM sqlite_master WHERE name = 'telemetry_substation_ts'") == 0)
        #expect(try await Self.count(store, "SELECT count(*) FROM telemetry") == readings.count - 1, "the rewrite is one reading")
        let rewritten = try await store.timeSeries(substationID: "SUB001", at: Self.rewriteTs)
        #expect(rewritten.first { $0.feederID == "FDR001" }?.voltageKV == 240, "the later write is kept")

        // The same readings ingested by this release answer the same, before and after compaction.
        let reference = try await TestHub.make()
        try await Fixture.store(readings, into: reference.hub.sqlite)
        let expected = try await Fixture.answers(reference.hub.sqlite)
        #expect(try await Fixture.answers(store) == expected)
        let report = try await Fixture.compactAll(store)
        #expect(report.readings == readings.count - 1)
        #expect(try await Self.count(store, "SELECT count(*) FROM telemetry") == 0)
        #expect(try await Fixture.answers(store) == expected)
        try await store.close()
    }

    /// A pass is one transaction: chunk, minute statistics and the head delete commit together.
    /// Stopped before the head delete (here by a trigger; a crash or kill acts the same, the
    /// transaction never commits), no chunk or statistics are left and every reading is in the head.
    @Test func aPassStoppedBeforeItsHeadDeleteLeavesEveryReadingInTheHead() async throws {
        let t = try await TestHub.make()
        let store = t.hub.sqlite
        try await Fixture.store(Fixture.readings(), into: store)
        let head = try await Self.count(store, "SELECT count(*) FROM telemetry")
        let minuteRows = try await Self.count(store, "SELECT count(*) FROM telemetry_1m")
        let before = try await Fixture.answers(store)
        try await store.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER stop_before_head_delete BEFORE DELETE ON main.telemetry
                BEGIN SELECT RAISE(ABORT, 'stopped before the head delete'); END
                """)
        }
        await #expect(throws: (any Error).self) { _ = try await store.compact(before: .max, maxChunks: 16) }
        #expect(try await Self.count(store, "SELECT count(*) FROM telemetry") == head)
        #expect(try await Self.count(store, "SELECT count(*) FROM telemetry_chunks") == 0)
        #expect(try await Self.count(store, "SELECT count(*) FROM telemetry_minutes") == 0)
        #expect(try await Self.count(store, "SELECT count(*) FROM telemetry_1m") == minuteRows)
        #expect(try await Fixture.answers(store) == before)

        try await store.pool.write { db in try db.execute(sql: "DROP TRIGGER temp.stop_before_head_delete") }
        let report = try await Fixture.compactAll(store)
        #expect(report.readings == head)
        #expect(try await Self.count(store, "SELECT count(*) FROM telemetry") == 0)
        #expect(try await Self.count(store, "SELECT sum(points) FROM telemetry_chunks") == head)
        #expect(try await Fixture.answers(store) == before)
    }
}
