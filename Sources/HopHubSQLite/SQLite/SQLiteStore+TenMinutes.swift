import Foundation
import GRDB
import HopChunks
import HopHubCore

/// The ten-minute statistics tier (`telemetry_ten_minutes`): per series and UTC day, the
/// statistics of each ten-minute period, built from the day's minute statistics. Buckets whose
/// width is a multiple of ten minutes are answered from it, reading 144 periods a day instead of
/// 1,440 minutes; the answers are those of the minute statistics (tests compare them).
extension SQLiteStore {
    /// One series' day in the tier.
    struct SeriesDay: Hashable {
        var substation: String
        var feeder: String
        var day: Int64
    }

    static let tierDayMs: Int64 = 86_400_000
    static let tierPeriodMs = MinuteStats.tenMinutesMs

    /// Start of the UTC day holding `ts` (a tier row's key).
    static func tierDay(_ ts: Int64) -> Int64 { MinuteStats.periodStart(ts, widthMs: tierDayMs) }

    /// Rewrites one series' day of the tier from its minute statistics (`telemetry_minutes`), or
    /// removes it when the day has none. Minute statistics that do not decode leave an empty row,
    /// which reads do not trust: they fall back to the minute statistics, whose error names the block.
    static func rebuildTenMinutes(_ db: Database, substation: String, feeder: String, day: Int64) throws {
        let blocks = try db.cachedStatement(sql: """
            SELECT data FROM telemetry_minutes
            WHERE substation_id = ? AND block_start >= ? AND block_start < ? AND feeder_id = ? ORDER BY block_start
            """)
        var minutes: [MinuteStats] = []
        var data: [UInt8]? = []
        let rows = try Row.fetchCursor(blocks, arguments: [substation, day, day + tierDayMs, feeder])
        while let row = try rows.next() {
            guard let decoded = try? MinuteStatsCodec.decode([UInt8](row[0] as Data)) else {
                data = nil
                break
            }
            minutes.append(contentsOf: decoded)
        }
        let periods = MinuteStats.periods(minutes, widthMs: tierPeriodMs)
        if data != nil, !periods.isEmpty { data = try? PeriodStatsCodec.encode(periods, widthMs: tierPeriodMs) }
        if data == [] {
            try db.execute(
                sql: "DELETE FROM telemetry_ten_minutes WHERE substation_id = ? AND day_start = ? AND feeder_id = ?",
                arguments: [substation, day, feeder])
            return
        }
        try db.execute(
            sql: """
                INSERT INTO telemetry_ten_minutes (substation_id, feeder_id, day_start, periods, data) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (substation_id, day_start, feeder_id) DO UPDATE SET periods = excluded.periods, data = excluded.data
                """,
            arguments: [substation, feeder, day, data == nil ? 0 : periods.count, Data(data ?? [])])
    }

    /// Each feeder's ten-minute periods of `substation` from `from` (a multiple of ten minutes)
    /// through the minute `to`, ordered by feeder: what ``minutes(_:substation:from:to:only:)``
    /// holds, combined per period. Compacted days come from the tier; minutes still in the head
    /// (`telemetry_1m`) are added to their period; the last period, when `to` falls inside it,
    /// is built from its minutes up to `to`.
    static func tenMinutePeriods(_ db: Database, substation: String, from: Int64, to: Int64, only: ChunkColumn? = nil) throws
        -> [FeederMinutes]
    {
        // Periods starting before `split` end within `to`: their last minute starts at or before it.
        let split = MinuteStats.periodStart(to - 9 * 60_000, widthMs: tierPeriodMs) + tierPeriodMs
        var compacted: [String: [MinuteStats]] = [:]
        if from < split {
            let days = try db.cachedStatement(sql: """
                SELECT feeder_id, day_start, data FROM telemetry_ten_minutes
                WHERE substation_id = ? AND day_start > ? AND day_start < ? ORDER BY day_start
                """)
            let rows = try Row.fetchCursor(days, arguments: [substation, from - tierDayMs, split])
            while let row = try rows.next() {
                let feeder: String = row[0]
                let day: Int64 = row[1]
                let periods: [MinuteStats]
                do {
                    let bytes = [UInt8](row[2] as Data)
                    periods = try only.map { try PeriodStatsCodec.decode(bytes, only: $0, widthMs: tierPeriodMs) }
                        ?? PeriodStatsCodec.decode(bytes, widthMs: tierPeriodMs)
                } catch {
                    // A tier row is derived data: read the day from its minute statistics instead.
                    let minutes = try dayMinutes(db, substation: substation, feeder: feeder, day: day, only: only)
                    compacted[feeder, default: []].append(contentsOf: MinuteStats.periods(minutes, widthMs: tierPeriodMs).lazy
                        .filter { $0.minute >= from && $0.minute < split })
                    continue
                }
                compacted[feeder, default: []].append(contentsOf: periods.lazy.filter { $0.minute >= from && $0.minute < split })
            }
        }
        let recent = try headMinutes(db, substation: substation, from: from, to: min(to, split - 1), only: only)
            .mapValues { MinuteStats.periods($0, widthMs: tierPeriodMs) }
        var tail: [String: [MinuteStats]] = [:]
        if split <= to {
            for feeder in try minutes(db, substation: substation, from: max(from, split), to: to, only: only) {
                tail[feeder.feederID] = MinuteStats.periods(feeder.minutes, widthMs: tierPeriodMs)
            }
        }
        return Set(compacted.keys).union(recent.keys).union(tail.keys).sorted().map { feeder in
            FeederMinutes(
                feederID: feeder, minutes: FeederMinutes.merge(compacted[feeder] ?? [], recent[feeder] ?? []) + (tail[feeder] ?? []))
        }
    }

    /// One series' compacted minutes of one day, decoded (a damaged block throws, naming it).
    static func dayMinutes(_ db: Database, substation: String, feeder: String, day: Int64, only: ChunkColumn?) throws -> [MinuteStats] {
        var minutes: [MinuteStats] = []
        for row in try Row.fetchAll(
            db, sql: """
                SELECT block_start, data FROM telemetry_minutes
                WHERE substation_id = ? AND block_start >= ? AND block_start < ? AND feeder_id = ? ORDER BY block_start
                """, arguments: [substation, day, day + tierDayMs, feeder])
        {
            minutes += try decodeMinutes(row[1], only: only, substation, feeder, row[0])
        }
        return minutes
    }

    /// The per-minute statistics a bucket of `widthMs` needs: ten-minute periods when the width is
    /// a multiple of ten minutes (and `from` therefore a period start), minutes otherwise.
    static func bucketInput(_ db: Database, substation: String, widthMs: Int64, from: Int64, to: Int64, only: ChunkColumn? = nil) throws
        -> [FeederMinutes]
    {
        if widthMs % tierPeriodMs == 0 {
            return try tenMinutePeriods(db, substation: substation, from: from, to: to, only: only)
        }
        return try minutes(db, substation: substation, from: from, to: to, only: only)
    }
}
