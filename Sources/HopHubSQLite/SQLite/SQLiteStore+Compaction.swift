import Foundation
import GRDB
import HopChunks
import HopHubCore
import HopProtocol

/// Compaction: closed stretches of the head (`telemetry`) become chunks (`telemetry_chunks`).
/// Each pass is one write transaction of at most `maxChunks` series-blocks: read the head rows
/// of the block, merge them into the block's existing chunk (late data), write the chunk and the
/// block's minute statistics, delete the rows and their per-minute rollup rows. A crash before the
/// commit leaves everything in the head; after it, in the chunk.
extension SQLiteStore: TelemetryCompaction {
    public func compact(before requestedCutoff: Int64, arrivedBefore: Int64, maxChunks: Int, openBlockDelayMs: Int64) async throws
        -> CompactionReport
    {
        // Whole minutes only: a minute's rollup row then belongs wholly to the head or to the chunk.
        let cutoff = MinuteStats.minuteStart(requestedCutoff)
        return try await pool.write { db in
            var report = CompactionReport()
            var examined = 0
            // The oldest blocks of each substation first, found through the head's key
            // `(substation_id, ts, feeder_id)`: a pass costs the rows it moves, not a scan of the head.
            let next = try db.cachedStatement(
                sql: "SELECT ts, received_at FROM telemetry WHERE substation_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT 1")
            substations: for substation in try String.fetchAll(db, sql: "SELECT substation_id FROM substations ORDER BY last_seen") {
                var from = Int64.min
                while let oldest = try Row.fetchOne(next, arguments: [substation, from, cutoff]) {
                    let ts: Int64 = oldest[0]
                    let start = TelemetryChunking.blockStart(ts)
                    // A block still being written is rewritten only once its head part is old
                    // enough, not on every pass: a live series' chunk is re-encoded every
                    // `openBlockDelayMs` instead of every few seconds.
                    if start + TelemetryChunking.blockMs > cutoff, ts > cutoff - openBlockDelayMs { break }
                    let end = min(start + TelemetryChunking.blockMs, cutoff)
                    // A block being filled with a backlog waits until its oldest reading came long
                    // enough ago: it is then encoded once, not on every pass while it fills.
                    if oldest[1] as Int64 >= arrivedBefore {
                        from = end
                        continue
                    }
                    // Every feeder's head rows of the block in one index range scan.
                    let byFeeder = try Self.headPoints(db, substation: substation, from: start, before: end)
                    var moved: [String] = []
                    for (feeder, fresh) in byFeeder {
                        if try Self.compactBlock(db, substation: substation, feeder: feeder, start: start, end: end, fresh: fresh, into: &report) {
                            moved.append(feeder)
                        }
                    }
                    if moved.count == byFeeder.count {
                        try db.execute(sql: "DELETE FROM telemetry WHERE substation_id = ? AND ts >= ? AND ts < ?", arguments: [substation, start, end])
                        report.readings += db.changesCount
                    } else {
                        for feeder in moved {
                            try db.execute(
                                sql: "DELETE FROM telemetry WHERE substation_id = ? AND ts >= ? AND ts < ? AND feeder_id = ?",
                                arguments: [substation, start, end, feeder])
                            report.readings += db.changesCount
                        }
                    }
                    examined += byFeeder.count
                    guard report.chunks < maxChunks, examined < maxChunks * 4 else { break substations }
                    from = end
                }
            }
            return report
        }
    }

    /// Pages the head gave back return to the file system (databases created with incremental
    /// auto-vacuum; a no-op on older ones), so the file shrinks after a backlog. Called once
    /// compaction has caught up, not after every pass: while a backlog drains, the free pages
    /// are reused by the chunks and the head as they are written, whereas vacuuming after every
    /// pass would move the head's pages at the end of the file into the freed ones, rewriting
    /// much of the head once more.
    ///
    /// Switched to full auto-vacuum for one commit, which truncates the whole freelist at once,
    /// moving only the pages in use past the file's new end. `PRAGMA incremental_vacuum` looks
    /// each page it frees up in the freelist, which is quadratic in its length (measured: 35 s
    /// for 24,000 free pages, against 2 s this way).
    public func reclaimSpace() async throws {
        try await pool.writeWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2,
                try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0 > 0
            else { return }
            // A crash in between leaves full mode, which is also correct; every connection sets
            // incremental again when it opens.
            try db.execute(sql: "PRAGMA auto_vacuum = FULL")
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
        }
    }

    /// Merges one series-block of the head (`fresh`) into its chunk and writes its minute
    /// statistics; false (the caller then leaves the rows in the head) when its chunk is corrupt,
    /// the block would hold more points than a chunk can, or its statistics cannot be encoded.
    static func compactBlock(
        _ db: Database, substation: String, feeder: String, start: Int64, end: Int64, fresh: [ChunkPoint],
        into report: inout CompactionReport
    ) throws -> Bool {
        let existing: StoredChunk?
        do {
            existing = try chunk(db, substation: substation, feeder: feeder, block: start)
        } catch let error as CorruptChunkError {
            report.skipped.append(error.description)
            return false
        }
        guard
            let block = try CompactedBlock.prepare(
                existing: existing?.points ?? [], fresh: fresh, substation: substation, feeder: feeder, block: start, into: &report)
        else { return false }
        try db.execute(
            sql: """
                INSERT INTO telemetry_chunks (substation_id, feeder_id, block_start, first_ts, last_ts, points, data)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (substation_id, feeder_id, block_start) DO UPDATE SET
                  first_ts = excluded.first_ts, last_ts = excluded.last_ts, points = excluded.points, data = excluded.data
                """,
            arguments: [substation, feeder, start, block.firstTs, block.lastTs, block.points, Data(block.data)])
        try writeMinutes(
            db, substation: substation, feeder: feeder, block: start, end: end, encoded: block.minuteStats, minutes: block.minutes,
            lastMinute: block.lastMinute)
        report.chunks += 1
        return true
    }

    public func headReadings(before cutoff: Int64) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM telemetry WHERE ts < ?", arguments: [cutoff]) ?? 0 }
    }

    /// Head rows of one substation in `[from, before)` as chunk points per feeder, each feeder's
    /// ordered by time with one point per time: one contiguous range of the head's key.
    static func headPoints(_ db: Database, substation: String, from: Int64, before: Int64) throws -> [(feeder: String, points: [ChunkPoint])] {
        let statement = try db.cachedStatement(sql: """
            SELECT feeder_id, ts, voltage_kv, current_a, power_mw, frequency_hz FROM telemetry
            WHERE substation_id = ? AND ts >= ? AND ts < ? ORDER BY ts, feeder_id
            """)
        var order: [String] = []
        var points: [String: [ChunkPoint]] = [:]
        let cursor = try Row.fetchCursor(statement, arguments: [substation, from, before])
        while let row = try cursor.next() {
            let feeder: String = row[0]
            let point = ChunkPoint(ts: row[1], voltageKV: row[2], currentA: row[3], powerMW: row[4], frequencyHz: row[5])
            if points[feeder]?.append(point) == nil {
                order.append(feeder)
                points[feeder] = [point]
            }
        }
        return order.sorted().map { ($0, points[$0]!) }
    }
}
