import GRDB

/// Eviction policy: when an append would cross the byte quota, or the file system is below its
/// free-space floor, the oldest unsealed telemetry rows go first, then the oldest unsealed events,
/// then (only if old data cannot cover it) the new rows themselves, telemetry first. Rows of a
/// sealed batch are never evicted, so a batch re-sent after a crash is identical. Every evicted
/// row is counted by kind. Eviction frees 1% of the quota beyond what is needed, so it runs in
/// steps rather than on every append.
struct EvictionOutcome {
    var freed: Int64 = 0
    var telemetry: Int64 = 0
    var events: Int64 = 0
    var evictedRows: Int64 = 0
    var evictedBytes: Int64 = 0
    var inserted: Int64 = 0
    var insertedBytes: Int64 = 0
    var oldest: Int64?

    mutating func count(_ kind: RecordKind) {
        if kind == .telemetry { telemetry += 1 } else { events += 1 }
    }
}

extension SQLiteJournal {
    /// Bytes that must be freed before `newBytes` can be added.
    func bytesToFree(adding newBytes: Int64) -> Int64 {
        var need: Int64 = 0
        if bytes + newBytes > quotaBytes {
            need = bytes + newBytes - quotaBytes + quotaBytes / 100
        }
        if let free = freeDisk(), free - newBytes < minFreeDiskBytes {
            // SQLite reuses freed pages: deleting as much as we add keeps the file from growing.
            need = max(need, newBytes + quotaBytes / 100)
        }
        return need
    }

    static func evict(_ db: Database, need: Int64, above sealed: Int64) throws -> EvictionOutcome {
        var outcome = EvictionOutcome()
        for kind in [RecordKind.telemetry, .event] {
            while outcome.freed < need {
                let rows = try Row.fetchAll(
                    db, sql: "SELECT id, length(body) FROM record WHERE kind = ? AND id > ? ORDER BY id LIMIT 1000",
                    arguments: [kind.rawValue, sealed])
                guard !rows.isEmpty else { break }
                var lastID: Int64 = 0
                var removed: Int64 = 0
                for row in rows {
                    let size = (row[1] as Int64? ?? 0) + rowOverhead
                    outcome.freed += size
                    outcome.evictedBytes += size
                    lastID = row[0]
                    removed += 1
                    if outcome.freed >= need { break }
                }
                try db.execute(
                    sql: "DELETE FROM record WHERE kind = ? AND id > ? AND id <= ?",
                    arguments: [kind.rawValue, sealed, lastID])
                outcome.evictedRows += removed
                if kind == .telemetry { outcome.telemetry += removed } else { outcome.events += removed }
            }
        }
        return outcome
    }
}
