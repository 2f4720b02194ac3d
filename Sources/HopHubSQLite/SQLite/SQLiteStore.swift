import HopHubCore
import Foundation
import GRDB
import HopProtocol

/// The embedded store: one SQLite file in the data directory, WAL mode, `synchronous = FULL` so a
/// committed transaction survives a power cut (a 2xx to an edge promises durability).
public final class SQLiteStore: Sendable {
    /// The GRDB pool; exposed for benchmarks and maintenance tools, routes use the protocols.
    public let pool: DatabasePool
    public let path: String
    /// Decoded ten-minute tier rows of the frequency plot's reads (``TierColumnsCache``).
    let tierCache = TierColumnsCache()

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // A new database gives pages back to the file system as compaction empties the head.
            // The mode takes effect only before the file is first written (before WAL mode); on an
            // existing database SQLite ignores it, and `hop-hub` leaves such files as they are.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL") }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Debian's SQLite is built with secure delete on: every page compaction frees from the
            // head would be zeroed and written once more (through the WAL, then the checkpoint).
            // FAST still overwrites deleted content on pages that are written anyway.
            try db.execute(sql: "PRAGMA secure_delete = FAST")
            // Giving a drained head's pages back writes them through the WAL once; the WAL file
            // is cut back to this size when it is next reset instead of keeping that size.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            // Reads through a memory map instead of a copy per page (compaction and long-range
            // queries read far more pages than SQLite's 2 MB default cache holds). Writes still go
            // through the WAL as before.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        pool = try DatabasePool(path: path, configuration: config)
        try SQLiteSchema.migrator.migrate(pool)
    }

    /// ` AND column IN (?,…)` for a scope, with its arguments. `.all` adds nothing.
    static func scopeFilter(_ column: String, _ scope: SubstationScope) -> (sql: String, arguments: StatementArguments) {
        switch scope {
        case .all:
            return ("", [])
        case .only(let set):
            if set.isEmpty { return (" AND 0", []) }
            let marks = Array(repeating: "?", count: set.count).joined(separator: ",")
            return (" AND \(column) IN (\(marks))", StatementArguments(set.map(\.rawValue).sorted()))
        }
    }
}

extension SQLiteStore: MaintenanceStore {
    public func applyRetention(rawBefore: Int64, rollupBefore: Int64, eventsBefore: Int64, scoresBefore: Int64) async throws
        -> RetentionReport
    {
        try await pool.write { db in
            var report = RetentionReport()
            let subs = try String.fetchAll(db, sql: "SELECT substation_id FROM substations")
            for sub in subs {
                try db.execute(sql: "DELETE FROM telemetry WHERE substation_id = ? AND ts < ?", arguments: [sub, rawBefore])
                report.telemetry += db.changesCount
            }
            // Whole chunks only: a chunk goes once its newest reading is past the cutoff.
            report.telemetry += try Int.fetchOne(
                db, sql: "SELECT coalesce(sum(points), 0) FROM telemetry_chunks WHERE last_ts < ?", arguments: [rawBefore]) ?? 0
            try db.execute(sql: "DELETE FROM telemetry_chunks WHERE last_ts < ?", arguments: [rawBefore])
            // Per series, along the primary key (substation_id, feeder_id, minute).
            let series = try Row.fetchAll(db, sql: "SELECT substation_id, feeder_id FROM telemetry_latest")
            for row in series {
                try db.execute(
                    sql: "DELETE FROM telemetry_1m WHERE substation_id = ? AND feeder_id = ? AND minute < ?",
                    arguments: [row["substation_id"], row["feeder_id"], rollupBefore])
                report.rollups += db.changesCount
            }
            for sub in subs {
                report.rollups += try Self.pruneMinutes(db, substation: sub, before: rollupBefore)
            }
            try db.execute(sql: "DELETE FROM events WHERE ts < ?", arguments: [eventsBefore])
            report.events = db.changesCount
            try db.execute(sql: "DELETE FROM scores WHERE ts < ?", arguments: [scoresBefore])
            report.scores = db.changesCount
            // Undecided alerts go with their events and scores (a hub without alerting decides none).
            try db.execute(sql: "DELETE FROM alert_pending WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = alert_pending.event_id)")
            try db.execute(sql: "DELETE FROM alert_pending_scores WHERE ts < ?", arguments: [scoresBefore])
            try db.execute(sql: "DELETE FROM outages WHERE active = 0 AND ts < ?", arguments: [eventsBefore])
            // Alert decisions and delivered mail follow the events' retention (undelivered mail stays).
            try db.execute(sql: "DELETE FROM alert_log WHERE decided_at < ?", arguments: [eventsBefore])
            try db.execute(sql: "DELETE FROM alert_outbox WHERE delivered_at IS NOT NULL AND created_at < ?", arguments: [eventsBefore])
            // Cleared alarms (and, by cascade, their history) follow the events' retention too.
            try db.execute(sql: "DELETE FROM alarms WHERE state = 'cleared' AND cleared_at < ?", arguments: [eventsBefore])
            return report
        }
    }

    public func databaseSizeBytes() async throws -> Int64 {
        var total: Int64 = 0
        for suffix in ["", "-wal", "-shm"] {
            if let attrs = try? FileManager.default.attributesOfItem(atPath: path + suffix),
                let size = attrs[.size] as? NSNumber
            {
                total += size.int64Value
            }
        }
        return total
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func close() async throws {
        try pool.close()
    }
}
