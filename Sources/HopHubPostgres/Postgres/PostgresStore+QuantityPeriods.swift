import HopChunks
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// Long-range reads of a single quantity (the frequency plot's), column-wise as on SQLite: each
/// feeder's count, sum and extremes per minute or period as flat arrays (``QuantityColumns``)
/// instead of a ``MinuteStats`` of all four quantities per entry. The entries, and so the buckets
/// built from them, are those of ``bucketInput(_:substations:widthMs:from:to:only:logger:)`` (tests
/// compare them). All substations of a query are read by one statement per table.
extension PostgresStore {
    /// Per substation each feeder's statistics of `column` that buckets of `widthMs` need, ordered
    /// by feeder: ten-minute periods when the width is a multiple of ten minutes, minutes otherwise.
    static func quantityInput(
        _ c: PostgresConnection, substations: [String], widthMs: Int64, from: Int64, to: Int64, column: ChunkColumn,
        cache: TierColumnsCache? = nil, logger: Logger
    ) async throws -> [String: [QuantityColumns]] {
        if widthMs % tierPeriodMs == 0 {
            return try await tenMinuteColumns(c, substations: substations, from: from, to: to, column: column, cache: cache, logger: logger)
        }
        return try await minutes(c, substations: substations, from: from, to: to, only: column, logger: logger)
            .mapValues { $0.map { QuantityColumns($0.minutes, column) } }
    }

    /// ``tenMinutePeriods(_:substations:from:to:only:logger:)`` for one quantity, column-wise:
    /// compacted days decoded from the tier without building an entry per period (through `cache`
    /// when one is given), head minutes added to their period, the period holding `to` built from
    /// its minutes up to `to`.
    static func tenMinuteColumns(
        _ c: PostgresConnection, substations: [String], from: Int64, to: Int64, column: ChunkColumn, cache: TierColumnsCache? = nil,
        logger: Logger
    ) async throws -> [String: [QuantityColumns]] {
        guard !substations.isEmpty else { return [:] }
        // Periods starting before `split` end within `to`: their last minute starts at or before it.
        let split = MinuteStats.periodStart(to - 9 * 60_000, widthMs: tierPeriodMs) + tierPeriodMs
        var compacted: [String: [String: QuantityColumns]] = [:]
        if from < split {
            let rows = try await c.rows(
                """
                SELECT substation_id, feeder_id, day_start, data FROM telemetry_ten_minutes
                WHERE substation_id = ANY(\(substations)::text[]) AND day_start > \(from - tierDayMs) AND day_start < \(split)
                ORDER BY substation_id, day_start
                """, logger: logger)
            for row in rows {
                let (sub, feeder, day, data) = try row.decode((String, String, Int64, ByteBuffer).self)
                let bytes = Array(data.readableBytesView)
                let periods: QuantityColumns
                do {
                    periods = try TierColumnsCache.periods(bytes, .init(substation: sub, feeder: feeder, day: day, column: column), cache: cache)
                } catch {
                    // A tier row is derived data: read the day from its minute statistics instead.
                    let minutes = try await dayMinutes(c, substation: sub, feeder: feeder, day: day, only: column, logger: logger)
                    periods = QuantityColumns(MinuteStats.periods(minutes, widthMs: tierPeriodMs), column)
                }
                compacted[sub, default: [:]][feeder, default: QuantityColumns()].append(periods, startingIn: from..<split)
            }
        }
        // The head's minutes of the whole window in one statement: those before `split` go into
        // their periods; the rest join the compacted minutes of the period holding `to`.
        let head = try await headMinutes(c, substations: substations, from: from, to: to, only: column, logger: logger)
        let recent = head.mapValues {
            $0.mapValues { QuantityColumns(MinuteStats.periods($0.filter { $0.minute < split }, widthMs: tierPeriodMs), column) }
        }
        var tail: [String: [String: QuantityColumns]] = [:]
        if split <= to {
            let compactedTail = try await compactedMinutes(c, substations: substations, from: max(from, split), to: to, only: column, logger: logger)
            for (sub, feeders) in mergedFeeders(compactedTail, head.mapValues { $0.mapValues { $0.filter { $0.minute >= split } } }) {
                for feeder in feeders {
                    tail[sub, default: [:]][feeder.feederID] = QuantityColumns(MinuteStats.periods(feeder.minutes, widthMs: tierPeriodMs), column)
                }
            }
        }
        var merged: [String: [QuantityColumns]] = [:]
        for sub in Set(compacted.keys).union(recent.keys).union(tail.keys) {
            let old = compacted[sub] ?? [:]
            let new = recent[sub] ?? [:]
            let last = tail[sub] ?? [:]
            merged[sub] = Set(old.keys).union(new.keys).union(last.keys).sorted().map { feeder in
                var columns = QuantityColumns.merge(old[feeder] ?? QuantityColumns(), new[feeder] ?? QuantityColumns())
                if let last = last[feeder] { columns.append(contentsOf: last) }
                return columns
            }
        }
        return merged
    }
}
