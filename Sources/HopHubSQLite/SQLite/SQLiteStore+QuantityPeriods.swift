import Foundation
import GRDB
import HopChunks
import HopHubCore

/// Long-range reads of a single quantity (the frequency plot's), column-wise: each feeder's
/// count, sum and extremes per minute or period as flat arrays (``QuantityColumns``) instead of a
/// ``MinuteStats`` of all four quantities per entry. The entries, and so the buckets built from
/// them, are those of ``bucketInput(_:substation:widthMs:from:to:only:)`` (tests compare them).
extension SQLiteStore {
    /// Each feeder's statistics of `column` that buckets of `widthMs` need, ordered by feeder:
    /// ten-minute periods when the width is a multiple of ten minutes, minutes otherwise.
    static func quantityInput(
        _ db: Database, substation: String, widthMs: Int64, from: Int64, to: Int64, column: ChunkColumn, cache: TierColumnsCache? = nil
    ) throws -> [QuantityColumns] {
        if widthMs % tierPeriodMs == 0 {
            return try tenMinuteColumns(db, substation: substation, from: from, to: to, column: column, cache: cache)
        }
        return try minutes(db, substation: substation, from: from, to: to, only: column).map { QuantityColumns($0.minutes, column) }
    }

    /// ``tenMinutePeriods(_:substation:from:to:only:)`` for one quantity, column-wise: compacted
    /// days decoded from the tier without building an entry per period, minutes still in the
    /// head added to their period, the period holding `to` built from its minutes up to `to`.
    /// Tier rows are decoded through `cache` when one is given.
    static func tenMinuteColumns(
        _ db: Database, substation: String, from: Int64, to: Int64, column: ChunkColumn, cache: TierColumnsCache? = nil
    ) throws -> [QuantityColumns] {
        // Periods starting before `split` end within `to`: their last minute starts at or before it.
        let split = MinuteStats.periodStart(to - 9 * 60_000, widthMs: tierPeriodMs) + tierPeriodMs
        var compacted: [String: QuantityColumns] = [:]
        if from < split {
            let days = try db.cachedStatement(sql: """
                SELECT feeder_id, day_start, data FROM telemetry_ten_minutes
                WHERE substation_id = ? AND day_start > ? AND day_start < ? ORDER BY day_start
                """)
            let rows = try Row.fetchCursor(days, arguments: [substation, from - tierDayMs, split])
            while let row = try rows.next() {
                let feeder: String = row[0]
                let day: Int64 = row[1]
                let bytes = [UInt8](row[2] as Data)
                let periods: QuantityColumns
                do {
                    periods = try TierColumnsCache.periods(bytes, .init(substation: substation, feeder: feeder, day: day, column: column), cache: cache)
                } catch {
                    // A tier row is derived data: read the day from its minute statistics instead.
                    let minutes = try dayMinutes(db, substation: substation, feeder: feeder, day: day, only: column)
                    periods = QuantityColumns(MinuteStats.periods(minutes, widthMs: tierPeriodMs), column)
                }
                compacted[feeder, default: QuantityColumns()].append(periods, startingIn: from..<split)
            }
        }
        let recent = try headMinutes(db, substation: substation, from: from, to: min(to, split - 1), only: column)
            .mapValues { QuantityColumns(MinuteStats.periods($0, widthMs: tierPeriodMs), column) }
        var tail: [String: QuantityColumns] = [:]
        if split <= to {
            for feeder in try minutes(db, substation: substation, from: max(from, split), to: to, only: column) {
                tail[feeder.feederID] = QuantityColumns(MinuteStats.periods(feeder.minutes, widthMs: tierPeriodMs), column)
            }
        }
        return Set(compacted.keys).union(recent.keys).union(tail.keys).sorted().map { feeder in
            var columns = QuantityColumns.merge(compacted[feeder] ?? QuantityColumns(), recent[feeder] ?? QuantityColumns())
            if let last = tail[feeder] { columns.append(contentsOf: last) }
            return columns
        }
    }
}
