import Foundation
import GRDB
import HopProtocol

extension SQLiteJournal {
    public func nextBatch(
        limits: BatchLimits, now: SourceTime, force: Bool, after: Int64? = nil
    ) throws(JournalError) -> PendingBatch? {
        let sealed = sealedThrough
        let result = try write("seal batch") { db -> (PendingBatch, Int64)? in
            if let row = try Row.fetchOne(
                db, sql: "SELECT seq, first_id, last_id, attempts FROM batch WHERE seq > ? ORDER BY seq LIMIT 1",
                arguments: [after ?? Int64.min])
            {
                let rows = try Row.fetchAll(
                    db, sql: "SELECT kind, body FROM record WHERE id BETWEEN ? AND ? ORDER BY id",
                    arguments: [row["first_id"] as Int64, row["last_id"] as Int64])
                var batch = PendingBatch(
                    seq: row["seq"], firstID: row["first_id"], lastID: row["last_id"], telemetry: [], events: [],
                    attempts: row["attempts"])
                for r in rows { Self.add(r, to: &batch) }
                return (batch, sealed)
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, kind, at, body FROM record WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [sealed, limits.maxRecords])
            guard let first = rows.first else { return nil }
            var taken = 0
            var size = 0
            var full = rows.count >= limits.maxRecords
            for r in rows {
                let n = (r["body"] as Data).count + 1
                if taken > 0, size + n > limits.maxBytes {
                    full = true
                    break
                }
                size += n
                taken += 1
            }
            let age = now.epochMilliseconds - (first["at"] as Int64)
            // An event (a breaker trip, a lost device) goes at once: it is what an operator waits
            // for; readings wait up to `maxAge` to fill a batch.
            let urgent = rows.prefix(taken).contains { ($0["kind"] as Int) == RecordKind.event.rawValue }
            guard full || force || urgent || age >= limits.maxAge.milliseconds else { return nil }
            let seq = try JournalSchema.meta(db, .nextSeq)
            let chosen = rows.prefix(taken)
            let lastID: Int64 = chosen.last?["id"] ?? sealed
            var batch = PendingBatch(seq: seq, firstID: first["id"], lastID: lastID, telemetry: [], events: [], attempts: 0)
            for r in chosen { Self.add(r, to: &batch) }
            try db.execute(
                sql: "INSERT INTO batch(seq, first_id, last_id, records, sealed_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [seq, batch.firstID, lastID, taken, now.epochMilliseconds])
            try JournalSchema.setMeta(db, .nextSeq, seq + 1)
            try JournalSchema.setMeta(db, .sealedThrough, lastID)
            return (batch, lastID)
        }
        guard let (batch, newSealed) = result else { return nil }
        sealedThrough = max(sealedThrough, newSealed)
        return batch
    }

    private static func add(_ row: Row, to batch: inout PendingBatch) {
        let body = [UInt8](row["body"] as Data)
        if (row["kind"] as Int) == RecordKind.event.rawValue {
            batch.events.append(body)
        } else {
            batch.telemetry.append(body)
        }
    }

    public func acknowledge(_ batch: PendingBatch, at: SourceTime) throws(JournalError) {
        let removed = try write("acknowledge batch \(batch.seq)") { db -> (rows: Int64, bytes: Int64, oldest: Int64?) in
            let stats = try Row.fetchOne(
                db, sql: "SELECT COUNT(*), COALESCE(SUM(length(body)), 0) FROM record WHERE id BETWEEN ? AND ?",
                arguments: [batch.firstID, batch.lastID])
            try db.execute(sql: "DELETE FROM record WHERE id BETWEEN ? AND ?", arguments: [batch.firstID, batch.lastID])
            try db.execute(sql: "DELETE FROM batch WHERE seq = ?", arguments: [batch.seq])
            try JournalSchema.addMeta(db, .ackedRecords, Int64(batch.recordCount))
            try JournalSchema.setMeta(db, .lastAckSeq, batch.seq)
            try JournalSchema.setMeta(db, .lastAckAt, at.epochMilliseconds)
            let oldest = try Int64.fetchOne(db, sql: "SELECT ts FROM record ORDER BY id LIMIT 1")
            let rows: Int64 = stats?[0] ?? 0
            let bytes: Int64 = stats?[1] ?? 0
            return (rows, bytes + rows * Self.rowOverhead, oldest)
        }
        depth -= removed.rows
        bytes -= removed.bytes
        oldestUnsent = removed.oldest.map { SourceTime(epochMilliseconds: $0) }
    }

    public func quarantine(
        _ batch: PendingBatch, body: [UInt8], status: Int, reason: String, at: SourceTime
    ) throws(JournalError) {
        let removed = try write("quarantine batch \(batch.seq)") { db -> (rows: Int64, bytes: Int64, oldest: Int64?) in
            let stats = try Row.fetchOne(
                db, sql: "SELECT COUNT(*), COALESCE(SUM(length(body)), 0) FROM record WHERE id BETWEEN ? AND ?",
                arguments: [batch.firstID, batch.lastID])
            try db.execute(
                sql: "INSERT OR REPLACE INTO quarantine(seq, quarantined_at, status, reason, records, body) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [batch.seq, at.epochMilliseconds, status, reason, batch.recordCount, Data(body)])
            try db.execute(sql: "DELETE FROM record WHERE id BETWEEN ? AND ?", arguments: [batch.firstID, batch.lastID])
            try db.execute(sql: "DELETE FROM batch WHERE seq = ?", arguments: [batch.seq])
            try JournalSchema.addMeta(db, .quarantinedTotal, 1)
            let oldest = try Int64.fetchOne(db, sql: "SELECT ts FROM record ORDER BY id LIMIT 1")
            let rows: Int64 = stats?[0] ?? 0
            let bytes: Int64 = stats?[1] ?? 0
            return (rows, bytes + rows * Self.rowOverhead, oldest)
        }
        depth -= removed.rows
        bytes -= removed.bytes
        quarantinedTotal += 1
        oldestUnsent = removed.oldest.map { SourceTime(epochMilliseconds: $0) }
    }

    public func recordFailure(_ batch: PendingBatch, error: String, at: SourceTime) throws(JournalError) {
        try write("record failure of batch \(batch.seq)") { db in
            try db.execute(
                sql: "UPDATE batch SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE seq = ?",
                arguments: [at.epochMilliseconds, String(error.prefix(500)), batch.seq])
        }
    }
}
