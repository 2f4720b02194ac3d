import Foundation
import HopChunks
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// Compaction, as on SQLite: closed stretches of the head become chunks, one transaction per pass
/// of about `maxChunks` series-blocks (chunk, minute statistics, ten-minute tier written, head rows
/// and their per-minute rows deleted, all or nothing). Several replicas may run it: a pass first
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
                var from = Int64.min
                while true {
                    let rows = try await c.rows(
                        """
                        SELECT ts, received_at FROM telemetry WHERE substation_id = \(substation) AND ts >= \(from) AND ts < \(cutoff)
                        ORDER BY ts LIMIT 1
                        """, logger: logger)
                    guard let (ts, arrived) = try rows.first?.decode((Int64, Int64).self) else { break }
                    let start = TelemetryChunking.blockStart(ts)
                    // A block still being written is rewritten only once its head part is old enough.
                    if start + TelemetryChunking.blockMs > cutoff, ts > cutoff - openBlockDelayMs { break }
                    let end = min(start + TelemetryChunking.blockMs, cutoff)
                    // A block being filled with a backlog waits until its oldest reading came long enough ago.
                    if arrived >= arrivedBefore {
                        from = end
                        continue
                    }
                    examined += try await Self.moveBlock(
                        c, substation: substation, from: start, before: end, into: &report, logger: logger)
                    guard report.chunks < maxChunks, examined < maxChunks * 4 else { break passes }
                    from = end
                }
            }
            return report
        }
    }

    /// Moves the head rows of one substation in `[from, before)` into their chunks and returns
    /// the series it examined. The rows are taken by one `DELETE … RETURNING` in a savepoint: what
    /// it returns is exactly what it deleted (a row committed after its snapshot stays in the head
    /// for the next pass; a row rewritten meanwhile is deleted in its newest version), so no
    /// second probe of the head's key per row is needed. Should a series of the block not be
    /// compactable (a corrupt chunk, too many points), the savepoint is rolled back and the block
    /// moved the careful way (``moveBlockByKey``), which leaves that series' rows in the head.
    static func moveBlock(
        _ c: PostgresConnection, substation: String, from start: Int64, before end: Int64, into report: inout CompactionReport,
        logger: Logger
    ) async throws -> Int {
        try await c.query("SAVEPOINT hop_compact", logger: logger)
        let taken = try await headPoints(
            c, substation: substation,
            """
            DELETE FROM telemetry WHERE substation_id = \(substation) AND ts >= \(start) AND ts < \(end)
            RETURNING feeder_id, ts, voltage_kv, current_a, power_mw, frequency_hz, received_at
            """, logger: logger)
        var blocks: [(feeder: String, block: CompactedBlock)] = []
        var attempt = report
        for (feeder, fresh, _) in taken {
            guard let block = try await prepareBlock(c, substation: substation, feeder: feeder, start: start, fresh: fresh, into: &attempt, logger: logger)
            else {
                try await c.query("ROLLBACK TO SAVEPOINT hop_compact", logger: logger)
                try await c.query("RELEASE SAVEPOINT hop_compact", logger: logger)
                return try await moveBlockByKey(c, substation: substation, from: start, before: end, into: &report, logger: logger)
            }
            blocks.append((feeder, block))
        }
        try await c.query("RELEASE SAVEPOINT hop_compact", logger: logger)
        for (feeder, block) in blocks {
            try await writeBlock(c, substation: substation, feeder: feeder, start: start, end: end, block: block, logger: logger)
            report.chunks += 1
        }
        report.readings += taken.reduce(0) { $0 + $1.points.count }
        return taken.count
    }

    /// Moves the head rows of one substation in `[from, before)` into their chunks, reading them
    /// first and then deleting exactly the rows merged (key and `received_at`): series that cannot
    /// be compacted keep their rows in the head.
    static func moveBlockByKey(
        _ c: PostgresConnection, substation: String, from start: Int64, before end: Int64, into report: inout CompactionReport,
        logger: Logger
    ) async throws -> Int {
        let byFeeder = try await headPoints(
            c, substation: substation,
            """
            SELECT feeder_id, ts, voltage_kv, current_a, power_mw, frequency_hz, received_at FROM telemetry
            WHERE substation_id = \(substation) AND ts >= \(start) AND ts < \(end) ORDER BY ts, feeder_id
            """, logger: logger)
        var moved: (feeders: [String], ts: [Int64], received: [Int64]) = ([], [], [])
        for (feeder, fresh, received) in byFeeder {
            guard let block = try await prepareBlock(c, substation: substation, feeder: feeder, start: start, fresh: fresh, into: &report, logger: logger)
            else { continue }
            try await writeBlock(c, substation: substation, feeder: feeder, start: start, end: end, block: block, logger: logger)
            report.chunks += 1
            moved.feeders.append(contentsOf: repeatElement(feeder, count: fresh.count))
            moved.ts.append(contentsOf: fresh.map(\.ts))
            moved.received.append(contentsOf: received)
        }
        // Exactly the rows merged into the chunks, not the block's range: ingest does not
        // wait for compaction, and each statement here has its own snapshot (READ
        // COMMITTED), so rows of the range committed since they were read (an edge
        // replaying a backlog older than the cutoff) or rewritten since (same key, later
        // `received_at`) stay in the head for the next pass to merge.
        report.readings += Int(try await c.integer(
            """
            WITH moved AS (
              DELETE FROM telemetry t
              USING unnest(\(moved.feeders)::text[], \(moved.ts)::int8[], \(moved.received)::int8[]) AS r(feeder_id, ts, received_at)
              WHERE t.substation_id = \(substation) AND t.ts = r.ts AND t.feeder_id = r.feeder_id
                AND t.received_at = r.received_at
              RETURNING 1)
            SELECT count(*) FROM moved
            """, logger: logger))
        return byFeeder.count
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

    /// The planner's estimate, not a count: counting scans the whole head (millions of rows during a
    /// backfill, every ten seconds of it), and the number only feeds a progress line.
    public func headReadings(before cutoff: Int64) async throws -> Int {
        struct Explained: Decodable {
            struct Plan: Decodable {
                var rows: Double
                enum CodingKeys: String, CodingKey { case rows = "Plan Rows" }
            }
            var plan: Plan
            enum CodingKeys: String, CodingKey { case plan = "Plan" }
        }
        let rows = try await fetch(PostgresQuery(unsafeSQL: "EXPLAIN (FORMAT JSON) SELECT 1 FROM telemetry WHERE ts < \(cutoff)"))
        let text = try rows.decode(String.self).joined()
        let plans = try JSONDecoder().decode([Explained].self, from: Data(text.utf8))
        return Int(plans.first?.plan.rows ?? 0)
    }

    /// Head rows of one substation (those `query` answers: feeder, time, the four quantities and
    /// `received_at`) as chunk points per feeder (ordered by feeder), each feeder's ordered by
    /// time, with each row's `received_at`.
    static func headPoints(_ c: PostgresConnection, substation: String, _ query: PostgresQuery, logger: Logger) async throws
        -> [(feeder: String, points: [ChunkPoint], received: [Int64])]
    {
        // A substation usually has a handful of feeders, its rows interleaved by time: comparing
        // with the first few feeders seen is cheaper than hashing each row's feeder id.
        let scanned = 8
        var series: [(feeder: String, points: [ChunkPoint], received: [Int64])] = []
        var beyond: [String: Int] = [:]
        for row in try await c.rows(query, logger: logger) {
            let (feeder, ts, v, i, p, f, received) = try row.decode((String, Int64, Double?, Double?, Double?, Double?, Int64).self)
            let point = ChunkPoint(ts: ts, voltageKV: v, currentA: i, powerMW: p, frequencyHz: f)
            if let k = series.prefix(scanned).firstIndex(where: { $0.feeder == feeder }) ?? beyond[feeder] {
                series[k].points.append(point)
                series[k].received.append(received)
            } else {
                if series.count >= scanned { beyond[feeder] = series.count }
                series.append((feeder, [point], [received]))
            }
        }
        series.sort { $0.feeder < $1.feeder }
        return series.map { feeder, p, r in
            guard !zip(p, p.dropFirst()).allSatisfy({ $0.ts < $1.ts }) else { return (feeder, p, r) }
            let order = p.indices.sorted { p[$0].ts < p[$1].ts }
            return (feeder, order.map { p[$0] }, order.map { r[$0] })
        }
    }
}
