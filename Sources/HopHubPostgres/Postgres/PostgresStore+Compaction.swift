import Foundation
import HopChunks
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// Compaction, as on SQLite: closed stretches of the head become chunks, one transaction per pass
/// of about `maxChunks` series-blocks (chunk, minute statistics, ten-minute tier written, head
/// readings and their per-minute rows deleted, all or nothing). Several replicas may run it: a pass first
/// takes a transaction-scoped advisory lock, and a replica finding it taken skips its pass.
extension PostgresStore: TelemetryCompaction {
    /// `pg_try_advisory_xact_lock` key of compaction ("hopcomp" in ASCII).
    static let compactionLockKey: Int64 = 0x686F_7063_6F6D_70

    public func compact(before requestedCutoff: Int64, arrivedBefore: Int64, maxChunks: Int, openBlockDelayMs: Int64) async throws
        -> CompactionReport
    {
        let cutoff = MinuteStats.minuteStart(requestedCutoff)
        let logger = self.logger
        return try await transaction { c in
            var report = CompactionReport()
            guard try await c.integer("SELECT pg_try_advisory_xact_lock(\(Self.compactionLockKey))::int::int8", logger: logger) == 1 else {
                return report
            }
            var examined = 0
            var substations: [String] = []
            for row in try await c.rows("SELECT substation_id FROM substations ORDER BY last_seen", logger: logger) {
                substations.append(try row.decode(String.self))
            }
            passes: for substation in substations {
                var fromBlock = Int64.min
                while true {
                    // The earliest block of the substation with head readings before the cutoff.
                    let rows = try await c.rows(
                        """
                        SELECT block_start, min(first_ts), min(received_at) FROM telemetry_head
                        WHERE substation_id = \(substation) AND block_start >= \(fromBlock) AND first_ts < \(cutoff)
                        GROUP BY block_start ORDER BY block_start LIMIT 1
                        """, logger: logger)
                    guard let (start, ts, arrived) = try rows.first?.decode((Int64, Int64, Int64).self) else { break }
                    // A block still being written is rewritten only once its head part is old enough.
                    if start + TelemetryChunking.blockMs > cutoff, ts > cutoff - openBlockDelayMs { break }
                    let end = min(start + TelemetryChunking.blockMs, cutoff)
                    fromBlock = start + TelemetryChunking.blockMs
                    // A block being filled with a backlog waits until its oldest reading came long enough ago.
                    if arrived >= arrivedBefore { continue }
                    examined += try await Self.moveBlock(
                        c, substation: substation, from: start, before: end, into: &report, logger: logger)
                    guard report.chunks < maxChunks, examined < maxChunks * 4 else { break passes }
                }
            }
            return report
        }
    }

    /// Moves the head readings of one substation in `[from, before)` (one chunk block, or its
    /// part before the cutoff) into their chunks and returns the series it examined. The readings
    /// are taken by `DELETE … RETURNING` (rows wholly before `before`) and by trimming the rows
    /// that reach past it (``cutHead``), in a savepoint: what they return is exactly what they
    /// removed (a row committed after their snapshot stays in the head for the next pass). Should a
    /// series not be compactable (a corrupt chunk, too many points), the savepoint is rolled back
    /// and the block taken again without that series, whose rows stay in the head.
    static func moveBlock(
        _ c: PostgresConnection, substation: String, from start: Int64, before end: Int64, into report: inout CompactionReport,
        logger: Logger
    ) async throws -> Int {
        var excluded: [String] = []
        while true {
            try await c.query("SAVEPOINT hop_compact", logger: logger)
            let taken = try await takeHead(c, substation: substation, block: start, before: end, excluding: excluded, logger: logger)
            var blocks: [(feeder: String, block: CompactedBlock)] = []
            var attempt = report
            var failed: String?
            for (feeder, fresh) in taken {
                guard let block = try await prepareBlock(c, substation: substation, feeder: feeder, start: start, fresh: fresh, into: &attempt, logger: logger)
                else {
                    failed = feeder
                    break
                }
                blocks.append((feeder, block))
            }
            if let failed {
                try await c.query("ROLLBACK TO SAVEPOINT hop_compact", logger: logger)
                try await c.query("RELEASE SAVEPOINT hop_compact", logger: logger)
                report.skipped = attempt.skipped
                excluded.append(failed)
                continue
            }
            try await c.query("RELEASE SAVEPOINT hop_compact", logger: logger)
            for (feeder, block) in blocks {
                try await writeBlock(c, substation: substation, feeder: feeder, start: start, end: end, block: block, logger: logger)
                report.chunks += 1
            }
            report.readings += taken.reduce(0) { $0 + $1.points.count }
            return taken.count + excluded.count
        }
    }

    /// Removes from the head the readings of one substation's block before `end`, except those of
    /// the `excluding` feeders, and returns them per feeder (ordered by feeder), one per source time.
    static func takeHead(
        _ c: PostgresConnection, substation: String, block start: Int64, before end: Int64, excluding: [String], logger: Logger
    ) async throws -> [(feeder: String, points: [ChunkPoint])] {
        var rows = try await HeadRow.read(
            c,
            """
            DELETE FROM telemetry_head
            WHERE substation_id = \(substation) AND block_start = \(start) AND last_ts < \(end) AND feeder_id <> ALL(\(excluding)::text[])
            RETURNING \(unescaped: HeadRow.columns)
            """, logger: logger)
        if end < start + TelemetryChunking.blockMs {
            rows += try await cutHead(c, substation: substation, blocks: start...start, before: end, excluding: excluding, logger: logger)
        }
        return Dictionary(grouping: rows, by: \.feeder).map { ($0.key, HeadRow.merged($0.value)) }.sorted { $0.feeder < $1.feeder }
    }

    /// Trims the readings before `before` off the head rows of `substation` (blocks starting in
    /// `blocks`, feeders but `excluding`) that also hold readings from `before` on, and returns
    /// what it trimmed, as rows of the same ids. (Rows wholly before `before` are for the caller.)
    static func cutHead(
        _ c: PostgresConnection, substation: String, blocks: ClosedRange<Int64>, before: Int64, excluding: [String] = [],
        logger: Logger
    ) async throws -> [HeadRow] {
        try await HeadRow.read(
            c,
            """
            WITH cut AS (
              SELECT substation_id, block_start, feeder_id, id, (SELECT count(*) FROM unnest(ts) AS t WHERE t < \(before))::int AS k
              FROM telemetry_head
              WHERE substation_id = \(substation) AND block_start BETWEEN \(blocks.lowerBound) AND \(blocks.upperBound)
                AND first_ts < \(before) AND last_ts >= \(before) AND feeder_id <> ALL(\(excluding)::text[])
              FOR UPDATE),
            trimmed AS (
              SELECT h.substation_id, h.feeder_id, h.id, h.ts[1:c.k] AS ts, h.voltage_kv[1:c.k] AS voltage_kv,
                h.current_a[1:c.k] AS current_a, h.power_mw[1:c.k] AS power_mw, h.frequency_hz[1:c.k] AS frequency_hz
              FROM telemetry_head h JOIN cut c USING (substation_id, block_start, feeder_id, id)),
            kept AS (
              UPDATE telemetry_head h SET first_ts = h.ts[c.k + 1], points = h.points - c.k, ts = h.ts[c.k + 1:h.points],
                device_id = h.device_id[c.k + 1:h.points], site_name = h.site_name[c.k + 1:h.points],
                latitude = h.latitude[c.k + 1:h.points], longitude = h.longitude[c.k + 1:h.points],
                voltage_kv = h.voltage_kv[c.k + 1:h.points], current_a = h.current_a[c.k + 1:h.points],
                power_mw = h.power_mw[c.k + 1:h.points], frequency_hz = h.frequency_hz[c.k + 1:h.points]
              FROM cut c
              WHERE (h.substation_id, h.block_start, h.feeder_id, h.id) = (c.substation_id, c.block_start, c.feeder_id, c.id))
            SELECT \(unescaped: HeadRow.columns) FROM trimmed
            """, logger: logger)
    }

    /// One series-block of the head merged with its chunk; nil (the rows stay in the head) when
    /// its chunk is corrupt, the block would hold more points than a chunk can, or its statistics
    /// cannot be encoded.
    static func prepareBlock(
        _ c: PostgresConnection, substation: String, feeder: String, start: Int64, fresh: [ChunkPoint],
        into report: inout CompactionReport, logger: Logger
    ) async throws -> CompactedBlock? {
        let existing: StoredChunk?
        do {
            existing = try await chunk(c, substation: substation, feeder: feeder, block: start, logger: logger)
        } catch let error as CorruptChunkError {
            report.skipped.append(error.description)
            return nil
        }
        return try CompactedBlock.prepare(
            existing: existing?.points ?? [], fresh: fresh, substation: substation, feeder: feeder, block: start, into: &report)
    }

    /// Writes a merged block: its chunk and its minute statistics.
    static func writeBlock(
        _ c: PostgresConnection, substation: String, feeder: String, start: Int64, end: Int64, block: CompactedBlock, logger: Logger
    ) async throws {
        try await c.query(
            """
            INSERT INTO telemetry_chunks (substation_id, feeder_id, block_start, first_ts, last_ts, points, data)
            VALUES (\(substation), \(feeder), \(start), \(block.firstTs), \(block.lastTs), \(Int32(block.points)),
                    \(ByteBuffer(bytes: block.data)))
            ON CONFLICT (substation_id, feeder_id, block_start) DO UPDATE SET
              first_ts = excluded.first_ts, last_ts = excluded.last_ts, points = excluded.points, data = excluded.data
            """, logger: logger)
        try await writeMinutes(
            c, substation: substation, feeder: feeder, block: start, end: end, encoded: block.minuteStats, minutes: block.minutes,
            lastMinute: block.lastMinute, logger: logger)
    }

    /// Head readings before `cutoff`, counted from the head's rows (one per write and series, so
    /// a few per batch still to compact); only a row reaching past the cutoff has its times read.
    public func headReadings(before cutoff: Int64) async throws -> Int {
        let rows = try await fetch(
            """
            SELECT coalesce(sum(CASE WHEN last_ts < \(cutoff) THEN points
                                     ELSE (SELECT count(*) FROM unnest(ts) AS t WHERE t < \(cutoff)) END), 0)::int8
            FROM telemetry_head WHERE first_ts < \(cutoff)
            """)
        return Int(try rows.decode(Int64.self).first ?? 0)
    }
}
