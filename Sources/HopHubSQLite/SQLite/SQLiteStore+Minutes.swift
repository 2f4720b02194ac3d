import Foundation
import GRDB
import HopChunks
import HopHubCore

/// Per-minute statistics: compacted blocks' statistics (`telemetry_minutes`) combined with the
/// per-minute rows (`telemetry_1m`) of readings still in the head, or of blocks compacted before
/// statistics were kept.
extension SQLiteStore {
    /// Each feeder's minutes of `substation` in `from...to` (all quantities, or only `only`),
    /// ordered by feeder.
    static func minutes(_ db: Database, substation: String, from: Int64, to: Int64, only: ChunkColumn? = nil) throws -> [FeederMinutes] {
        var compacted: [String: [MinuteStats]] = [:]
        let blocks = try db.cachedStatement(sql: """
            SELECT feeder_id, block_start, data FROM telemetry_minutes
            WHERE substation_id = ? AND block_start > ? AND block_start <= ? AND last_minute >= ?
            ORDER BY block_start
            """)
        let rows = try Row.fetchCursor(blocks, arguments: [substation, from - TelemetryChunking.blockMs, to, from])
        while let row = try rows.next() {
            let feeder: String = row[0]
            let decoded = try decodeMinutes(row[2], only: only, substation, feeder, row[1])
            compacted[feeder, default: []].append(contentsOf: decoded.lazy.filter { $0.minute >= from && $0.minute <= to })
        }
        let recent = try headMinutes(db, substation: substation, from: from, to: to, only: only)
        return Set(compacted.keys).union(recent.keys).sorted().map { feeder in
            FeederMinutes(feederID: feeder, minutes: FeederMinutes.merge(compacted[feeder] ?? [], recent[feeder] ?? []))
        }
    }

    /// Each feeder's per-minute rows (`telemetry_1m`) of `substation` in `from...to`, by minute:
    /// readings still in the head, or of blocks compacted before minute statistics were kept.
    static func headMinutes(_ db: Database, substation: String, from: Int64, to: Int64, only: ChunkColumn? = nil) throws
        -> [String: [MinuteStats]]
    {
        var recent: [String: [MinuteStats]] = [:]
        let statement = try db.cachedStatement(sql: """
            SELECT feeder_id, minute, v_n, v_sum, v_min, v_max, v_last, i_n, i_sum, i_min, i_max, i_last,
              p_n, p_sum, p_min, p_max, p_last, f_n, f_sum, f_min, f_max, f_last
            FROM telemetry_1m WHERE substation_id = ? AND minute >= ? AND minute <= ? ORDER BY feeder_id, minute
            """)
        let cursor = try Row.fetchCursor(statement, arguments: [substation, from, to])
        while let row = try cursor.next() {
            var m = MinuteStats(minute: row[1])
            for column in ChunkColumn.allCases where only == nil || only == column {
                let i = 2 + column.rawValue * 5
                let n: Int = row[i]
                guard n > 0, let min = row[i + 2] as Double?, let max = row[i + 3] as Double? else { continue }
                // `last` is NULL only in rows written before it was kept; the maximum stands in.
                m[column] = QuantityStats(count: n, sum: row[i + 1], min: min, max: max, last: row[i + 4] ?? max)
            }
            recent[row[0], default: []].append(m)
        }
        return recent
    }

    static func decodeMinutes(_ data: Data, only: ChunkColumn?, _ substation: String, _ feeder: String, _ block: Int64) throws -> [MinuteStats] {
        do {
            let bytes = [UInt8](data)
            guard let only else { return try MinuteStatsCodec.decode(bytes) }
            let (minutes, stats) = try MinuteStatsCodec.decode(bytes, only: only)
            return zip(minutes, stats).map { minute, s in
                var m = MinuteStats(minute: minute)
                m[only] = s
                return m
            }
        } catch {
            throw CorruptChunkError(substationID: substation, feederID: feeder, blockStart: block, underlying: error, kind: "minute statistics")
        }
    }

    /// Writes the minute statistics of a block's (merged) points and removes the block's per-minute
    /// rows in `[start, end)`, whose readings the points now hold.
    static func writeMinutes(_ db: Database, substation: String, feeder: String, block: Int64, end: Int64, encoded: [UInt8], minutes: Int, lastMinute: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO telemetry_minutes (substation_id, feeder_id, block_start, minutes, last_minute, data) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (substation_id, block_start, feeder_id) DO UPDATE SET
                  minutes = excluded.minutes, last_minute = excluded.last_minute, data = excluded.data
                """,
            arguments: [substation, feeder, block, minutes, lastMinute, Data(encoded)])
        try db.execute(
            sql: "DELETE FROM telemetry_1m WHERE substation_id = ? AND feeder_id = ? AND minute >= ? AND minute < ?",
            arguments: [substation, feeder, block, end])
        try rebuildTenMinutes(db, substation: substation, feeder: feeder, day: tierDay(block))
    }

    /// Removes minute statistics of minutes before `cutoff`: whole blocks when all of theirs are,
    /// the block straddling it rewritten without them. Returns the minutes removed.
    static func pruneMinutes(_ db: Database, substation: String, before cutoff: Int64) throws -> Int {
        // The ten-minute tier of every day losing minutes is rebuilt from what is left.
        var days = Set<SeriesDay>()
        for row in try Row.fetchAll(
            db, sql: "SELECT feeder_id, block_start FROM telemetry_minutes WHERE substation_id = ? AND block_start < ? AND last_minute < ?",
            arguments: [substation, cutoff, cutoff])
        {
            days.insert(SeriesDay(substation: substation, feeder: row[0], day: tierDay(row[1])))
        }
        var removed = try Int.fetchOne(
            db, sql: "SELECT coalesce(sum(minutes), 0) FROM telemetry_minutes WHERE substation_id = ? AND block_start < ? AND last_minute < ?",
            arguments: [substation, cutoff, cutoff]) ?? 0
        try db.execute(
            sql: "DELETE FROM telemetry_minutes WHERE substation_id = ? AND block_start < ? AND last_minute < ?",
            arguments: [substation, cutoff, cutoff])
        let straddling = try Row.fetchAll(
            db, sql: "SELECT rowid, feeder_id, block_start, data FROM telemetry_minutes WHERE substation_id = ? AND block_start < ?",
            arguments: [substation, cutoff])
        for row in straddling {
            let all = try decodeMinutes(row["data"], only: nil, substation, row["feeder_id"], row["block_start"])
            let kept = all.filter { $0.minute >= cutoff }
            removed += all.count - kept.count
            guard kept.count < all.count else { continue }
            try db.execute(
                sql: "UPDATE telemetry_minutes SET minutes = ?, data = ? WHERE rowid = ?",
                arguments: [kept.count, Data(try MinuteStatsCodec.encode(kept)), row["rowid"]])
            days.insert(SeriesDay(substation: substation, feeder: row["feeder_id"], day: tierDay(row["block_start"])))
        }
        for d in days { try rebuildTenMinutes(db, substation: d.substation, feeder: d.feeder, day: d.day) }
        return removed
    }
}
