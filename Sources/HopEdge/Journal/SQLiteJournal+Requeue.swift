import Foundation
import GRDB
import HopProtocol

extension SQLiteJournal {
    /// Moves quarantined batches (all, or those in `seqs`) back into the journal as new records, to
    /// be sent again under new seqs — e.g. after a revoked API key or a missing substation grant was
    /// fixed. Returns how many batches and records were requeued. Batches refused for their content
    /// will be refused again.
    public func requeueQuarantine(seqs: [Int64]?) throws(JournalError) -> (batches: Int, records: Int) {
        let now = SourceClock.nowMilliseconds()
        let encoder = JSONEncoder()
        let result = try write("requeue quarantine") { db -> (Int, Int, Int64) in
            let rows = try Row.fetchAll(db, sql: "SELECT seq, body FROM quarantine ORDER BY seq")
            var batches = 0, records = 0
            var bytes: Int64 = 0
            let insert = try db.cachedStatement(sql: "INSERT INTO record(kind, at, ts, body) VALUES (?, ?, ?, ?)")
            for row in rows {
                let seq: Int64 = row["seq"]
                if let seqs, !seqs.contains(seq) { continue }
                let batch = try JSONDecoder().decode(Batch.self, from: row["body"] as Data)
                for t in batch.telemetry {
                    let body = Data(TelemetryJSON.encode(t))
                    try insert.execute(arguments: [RecordKind.telemetry.rawValue, now, t.ts?.epochMilliseconds ?? now, body])
                    bytes += Int64(body.count) + Self.rowOverhead
                }
                for e in batch.events {
                    let body = try encoder.encode(e)
                    try insert.execute(arguments: [RecordKind.event.rawValue, now, e.ts?.epochMilliseconds ?? now, body])
                    bytes += Int64(body.count) + Self.rowOverhead
                }
                records += batch.telemetry.count + batch.events.count
                batches += 1
                try db.execute(sql: "DELETE FROM quarantine WHERE seq = ?", arguments: [seq])
            }
            return (batches, records, bytes)
        }
        depth += Int64(result.1)
        bytes += result.2
        if oldestUnsent == nil, result.1 > 0 { oldestUnsent = SourceTime(epochMilliseconds: now) }
        return (result.0, result.1)
    }
}
