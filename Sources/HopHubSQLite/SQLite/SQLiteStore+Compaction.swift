import Foundation
import GRDB
import HopChunks
import HopHubCore
import HopProtocol

/// Compaction: closed stretches of the head (`telemetry`) become chunks (`telemetry_chunks`).
/// Each pass is one write transaction of at most `maxChunks` series-blocks: read the head rows
/// of the block, merge them into the block's existing chunk (late data), write the chunk, delete
/// the rows. A crash before the commit leaves everything in the head; after it, in the chunk.
extension SQLiteStore: TelemetryCompaction {
    public func compact(before cutoff: Int64, maxChunks: Int) async throws -> CompactionReport {
        try await pool.write { db in
            let width = TelemetryChunking.blockMs
            let blocks = try Row.fetchAll(
                db,
                sql: """
                    SELECT substation_id, feeder_id, \(Self.blockSQL("ts")) AS block FROM telemetry WHERE ts < ?
                    GROUP BY substation_id, feeder_id, block ORDER BY block LIMIT ?
                    """,
                arguments: [cutoff, maxChunks + 1])
            var report = CompactionReport()
            for row in blocks.prefix(maxChunks) {
                let substation: String = row["substation_id"], feeder: String = row["feeder_id"]
                let start: Int64 = row["block"]
                let end = min(start + width, cutoff)
                let fresh = try Self.headPoints(db, substation: substation, feeder: feeder, from: start, before: end)
                let existing = try Self.chunk(db, substation: substation, feeder: feeder, block: start)
                let merged = ChunkPoints.merge(existing?.points ?? [], fresh)
                guard merged.count <= ChunkFormat.maxPoints else { continue }  // faster than ~9 Hz: stays raw
                let data = try ChunkEncoder.encode(merged)
                try db.execute(
                    sql: """
                        INSERT INTO telemetry_chunks (substation_id, feeder_id, block_start, first_ts, last_ts, points, data)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (substation_id, feeder_id, block_start) DO UPDATE SET
                          first_ts = excluded.first_ts, last_ts = excluded.last_ts, points = excluded.points, data = excluded.data
                        """,
                    arguments: [substation, feeder, start, merged.first!.ts, merged.last!.ts, merged.count, Data(data)])
                try db.execute(
                    sql: "DELETE FROM telemetry WHERE substation_id = ? AND ts >= ? AND ts < ? AND feeder_id = ?",
                    arguments: [substation, start, end, feeder])
                report.chunks += 1
                report.readings += db.changesCount
            }
            if blocks.count > maxChunks {
                report.remaining = try Int.fetchOne(db, sql: "SELECT count(*) FROM telemetry WHERE ts < ?", arguments: [cutoff]) ?? 0
            }
            return report
        }
    }

    /// Head rows of one series in `[from, before)` as chunk points, in write order (so that
    /// `ChunkPoints.merge` lets the last write of a timestamp win).
    static func headPoints(_ db: Database, substation: String, feeder: String, from: Int64, before: Int64) throws -> [ChunkPoint] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT ts, voltage_kv, current_a, power_mw, frequency_hz FROM telemetry
                WHERE substation_id = ? AND ts >= ? AND ts < ? AND feeder_id = ? ORDER BY rowid
                """,
            arguments: [substation, from, before, feeder]
        ).map(Self.point)
    }

    static func point(_ row: Row) -> ChunkPoint {
        ChunkPoint(
            ts: row["ts"], voltageKV: row["voltage_kv"], currentA: row["current_a"], powerMW: row["power_mw"],
            frequencyHz: row["frequency_hz"])
    }

    /// `column`'s block start in SQL (floor division, also right for times before 1970).
    static func blockSQL(_ column: String) -> String {
        let w = TelemetryChunking.blockMs
        return "(CASE WHEN \(column) < 0 THEN ((\(column) + 1) / \(w)) - 1 ELSE \(column) / \(w) END) * \(w)"
    }
}
