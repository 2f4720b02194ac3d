import Foundation
import HopProtocol
import HopTestSupport
import Logging
import PostgresNIO
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// Compaction on PostgreSQL never blocks ingest, so a reading of a block can be committed while a
/// pass is merging that block (an edge replaying a backlog older than the cutoff). Such a reading
/// must stay in the head for the next pass, never be deleted with the rows the pass merged.
@Suite struct PostgresCompactionRaceTests {
    static let logger = Logger(label: "test")

    static func reading(_ seq: Int64, at ts: Int64, arrival: Int64) -> IngestWrite {
        let telemetry = Telemetry(
            substationID: "SUB001", feederID: "FDR001", voltageKV: 230 + Double(seq), ts: SourceTime(epochMilliseconds: ts))
        return IngestWrite(edge: (EdgeID("e1"), seq, "key-e1"), telemetry: [StoredTelemetry(telemetry, arrival: arrival)], arrival: arrival)
    }

    /// Readings stored, in the head and in chunks.
    static func stored(_ store: PostgresStore) async throws -> Int64 {
        let rows = try await store.client.query(
            "SELECT (SELECT coalesce(sum(points), 0) FROM telemetry_head) + (SELECT coalesce(sum(points), 0) FROM telemetry_chunks)::int8", logger: logger)
        for try await n in rows.decode(Int64.self) { return n }
        return 0
    }

    @Test func aReadingCommittedWhileAPassMergesItsBlockIsKeptForTheNextPass() async throws {
        let (store, _, holder) = try await PostgresExactlyOnceTests.replicas()
        let now = SourceTime.now().epochMilliseconds
        let block = TelemetryChunking.blockStart(now - 3 * TelemetryChunking.blockMs)
        #expect(try await store.commit([Self.reading(1, at: block + 1_000, arrival: now)]) == [.stored])
        #expect(try await store.compact(before: now, maxChunks: 16, openBlockDelayMs: 0).chunks == 1)
        // A late reading of the same block: the next pass merges it into the block's chunk.
        #expect(try await store.commit([Self.reading(2, at: block + 2_000, arrival: now)]) == [.stored])

        // The holder keeps the chunk's row locked, so the pass waits after reading the head and
        // before deleting what it merged; meanwhile a third reading of the block is committed.
        try await holder.client.withConnection { connection in
            try await connection.query("BEGIN", logger: Self.logger)
            try await connection.query("SELECT 1 FROM telemetry_chunks FOR UPDATE", logger: Self.logger)
            async let pass = store.compact(before: now, maxChunks: 16, openBlockDelayMs: 0)
            try await waitUntil("the compaction pass waiting for the chunk's row") {
                try await PostgresExactlyOnceTests.waitingSessions(holder) >= 1
            }
            #expect(try await store.commit([Self.reading(3, at: block + 3_000, arrival: now)]) == [.stored])
            try await connection.query("COMMIT", logger: Self.logger)
            #expect(try await pass.readings == 1)
        }
        #expect(try await Self.stored(holder) == 3)
        // The next pass merges the third reading too.
        #expect(try await store.compact(before: now, maxChunks: 16, openBlockDelayMs: 0).readings == 1)
        #expect(try await Self.stored(holder) == 3)
        let points = try await holder.client.query("SELECT points FROM telemetry_chunks", logger: Self.logger)
        for try await n in points.decode(Int32.self) { #expect(n == 3) }
        try await store.close()
        try await holder.close()
    }

    @Test func theHeadsProgressCountIsItsReadingsBeforeTheCutoff() async throws {
        let store = try await PostgresTestCluster.shared.freshStore()
        let now = SourceTime.now().epochMilliseconds
        let cutoff = TelemetryChunking.blockStart(now) - 60_000
        func write(_ range: Range<Int64>, feeder: String) -> IngestWrite {
            IngestWrite(telemetry: range.map { k in
                StoredTelemetry(
                    Telemetry(substationID: "SUB001", feederID: FeederID(feeder), voltageKV: 230, ts: SourceTime(epochMilliseconds: cutoff + k * 1_000)),
                    arrival: now)
            }, arrival: now)
        }
        // Head rows wholly before the cutoff, reaching past it, and after it.
        #expect(try await store.commit([write(-100 ..< -40, feeder: "FDR001"), write(-40 ..< 50, feeder: "FDR001"), write(0..<10, feeder: "FDR002")])
            == [.stored, .stored, .stored])
        #expect(try await store.headReadings(before: cutoff) == 100)
        #expect(try await store.headReadings(before: cutoff + 5_000) == 110)
    }
}
