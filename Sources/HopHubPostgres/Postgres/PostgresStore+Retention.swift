import HopChunks
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// Retention, as on SQLite: one transaction deleting what each cutoff has passed. Replicas sharing
/// the database do it once per round: a pass takes a transaction-scoped advisory lock, and a
/// replica finding it taken reports nothing removed.
extension PostgresStore {
    /// `pg_try_advisory_xact_lock` key of retention ("hopret" in ASCII).
    static let retentionLockKey: Int64 = 0x686F_7072_6574

    /// Statements deleting, with `$1` the events' cutoff, what follows the events' retention
    /// besides `events` themselves. A feature whose tables follow it too (alert decisions,
    /// delivered mail, cleared alarms) appends its statements here with its migration.
    static let eventRetention: [String] = [
        "DELETE FROM outages WHERE NOT active AND ts < $1",
        "DELETE FROM alert_log WHERE decided_at < $1",
        "DELETE FROM alert_outbox WHERE delivered_at IS NOT NULL AND created_at < $1",
        // Their history goes with them (ON DELETE CASCADE).
        "DELETE FROM alarms WHERE state = 'cleared' AND cleared_at < $1",
    ]

    public func applyRetention(rawBefore: Int64, rollupBefore: Int64, eventsBefore: Int64, scoresBefore: Int64) async throws
        -> RetentionReport
    {
        let logger = self.logger
        return try await transaction { c in
            var report = RetentionReport()
            guard try await c.integer("SELECT pg_try_advisory_xact_lock(\(Self.retentionLockKey))::int::int8", logger: logger) == 1 else {
                return report
            }
            var subs: [String] = []
            for row in try await c.rows("SELECT substation_id FROM substations ORDER BY substation_id", logger: logger) {
                subs.append(try row.decode(String.self))
            }
            for sub in subs {
                // Per substation, along the head's primary key: rows wholly before the cutoff, then
                // the readings before it of rows reaching past it.
                report.telemetry += Int(try await c.integer(
                    """
                    WITH gone AS (DELETE FROM telemetry_head WHERE substation_id = \(sub) AND last_ts < \(rawBefore) RETURNING points)
                    SELECT coalesce(sum(points), 0)::int8 FROM gone
                    """, logger: logger))
                report.telemetry += try await Self.cutHead(c, substation: sub, blocks: Int64.min...Int64.max, before: rawBefore, logger: logger)
                    .reduce(0) { $0 + $1.ts.count }
            }
            // Whole chunks only: a chunk goes once its newest reading is past the cutoff.
            report.telemetry += Int(try await c.integer(
                """
                WITH gone AS (DELETE FROM telemetry_chunks WHERE last_ts < \(rawBefore) RETURNING points)
                SELECT coalesce(sum(points), 0)::int8 FROM gone
                """, logger: logger))
            for row in try await c.rows("SELECT substation_id, feeder_id FROM telemetry_latest", logger: logger) {
                let (sub, feeder) = try row.decode((String, String).self)
                report.rollups += try await Self.deleted(
                    c, "DELETE FROM telemetry_1m WHERE substation_id = \(sub) AND feeder_id = \(feeder) AND minute < \(rollupBefore)",
                    logger: logger)
            }
            for sub in subs {
                report.rollups += try await Self.pruneMinutes(c, substation: sub, before: rollupBefore, logger: logger)
            }
            report.events = try await Self.deleted(c, "DELETE FROM events WHERE ts < \(eventsBefore)", logger: logger)
            // Score peaks follow through the trigger on `scores`.
            report.scores = try await Self.deleted(c, "DELETE FROM scores WHERE ts < \(scoresBefore)", logger: logger)
            // Undecided alerts go with their events and scores (a hub without alerting decides none).
            try await c.query(
                "DELETE FROM alert_pending p WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = p.event_id)", logger: logger)
            try await c.query("DELETE FROM alert_pending_scores WHERE ts < \(scoresBefore)", logger: logger)
            for statement in Self.eventRetention {
                var bindings = PostgresBindings()
                bindings.append(eventsBefore)
                try await c.query(PostgresQuery(unsafeSQL: statement, binds: bindings), logger: logger)
            }
            return report
        }
    }

    /// Runs a DELETE and returns how many rows it removed.
    static func deleted(_ c: PostgresConnection, _ delete: PostgresQuery, logger: Logger) async throws -> Int {
        var counted = delete
        counted.sql = "WITH gone AS (\(delete.sql) RETURNING 1) SELECT count(*) FROM gone"
        return Int(try await c.integer(counted, logger: logger))
    }

    /// Removes minute statistics of minutes before `cutoff`: whole blocks when all of theirs are,
    /// the block straddling it rewritten without them; the ten-minute tier of every day that lost
    /// minutes is rebuilt. Returns the minutes removed.
    static func pruneMinutes(_ c: PostgresConnection, substation: String, before cutoff: Int64, logger: Logger) async throws -> Int {
        var days = Set<SeriesDay>()
        var removed = 0
        for row in try await c.rows(
            """
            DELETE FROM telemetry_minutes WHERE substation_id = \(substation) AND block_start < \(cutoff) AND last_minute < \(cutoff)
            RETURNING feeder_id, block_start, minutes
            """, logger: logger)
        {
            let (feeder, block, minutes) = try row.decode((String, Int64, Int32).self)
            days.insert(SeriesDay(substation: substation, feeder: feeder, day: tierDay(block)))
            removed += Int(minutes)
        }
        for row in try await c.rows(
            "SELECT feeder_id, block_start, data FROM telemetry_minutes WHERE substation_id = \(substation) AND block_start < \(cutoff)",
            logger: logger)
        {
            let (feeder, block, data) = try row.decode((String, Int64, ByteBuffer).self)
            let all = try decodeMinutes(data, only: nil, substation, feeder, block)
            let kept = all.filter { $0.minute >= cutoff }
            removed += all.count - kept.count
            guard kept.count < all.count else { continue }
            try await c.query(
                """
                UPDATE telemetry_minutes SET minutes = \(Int32(kept.count)), data = \(ByteBuffer(bytes: try MinuteStatsCodec.encode(kept)))
                WHERE substation_id = \(substation) AND block_start = \(block) AND feeder_id = \(feeder)
                """, logger: logger)
            days.insert(SeriesDay(substation: substation, feeder: feeder, day: tierDay(block)))
        }
        for d in days { try await rebuildTenMinutes(c, substation: d.substation, feeder: d.feeder, day: d.day, logger: logger) }
        return removed
    }
}
