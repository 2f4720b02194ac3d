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
            for (key, periods) in try await tierDays(c, substations: substations, from: from, to: split, column: column, cache: cache, logger: logger) {
                compacted[key.substation, default: [:]][key.feeder, default: QuantityColumns()].append(periods, startingIn: from..<split)
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

    /// The tier days of `substations` holding periods that start in `from..<to`, ordered by
    /// substation and day, each as its statistics of `column`. The rows' versions (`xmin`: a
    /// write of a row makes a new one; an id recurs only after about four billion transactions)
    /// are read first; only rows the cache does not hold at that version are fetched and decoded. A dashboard's week is then a few hundred short rows
    /// instead of megabytes of tier data on every refresh.
    static func tierDays(
        _ c: PostgresConnection, substations: [String], from: Int64, to: Int64, column: ChunkColumn, cache: TierColumnsCache?,
        logger: Logger
    ) async throws -> [(key: TierColumnsCache.Key, periods: QuantityColumns)] {
        var days: [(key: TierColumnsCache.Key, periods: QuantityColumns?)] = []
        for row in try await c.rows(
            """
            SELECT substation_id, feeder_id, day_start, xmin::text::bigint FROM telemetry_ten_minutes
            WHERE substation_id = ANY(\(substations)::text[]) AND day_start > \(from - tierDayMs) AND day_start < \(to)
            ORDER BY substation_id, day_start
            """, logger: logger)
        {
            let (sub, feeder, day, version) = try row.decode((String, String, Int64, Int64).self)
            let key = TierColumnsCache.Key(substation: sub, feeder: feeder, day: day, column: column)
            days.append((key, cache?.columns(key, version: version)))
        }
        let missing = days.indices.filter { days[$0].periods == nil }
        if !missing.isEmpty {
            let position = Dictionary(uniqueKeysWithValues: missing.map { (days[$0].key, $0) })
            let keys = missing.map { days[$0].key }
            for row in try await c.rows(
                """
                SELECT t.substation_id, t.feeder_id, t.day_start, t.xmin::text::bigint, t.data
                FROM telemetry_ten_minutes t
                JOIN unnest(\(keys.map(\.substation))::text[], \(keys.map(\.day))::bigint[], \(keys.map(\.feeder))::text[]) AS k(s, d, f)
                  ON t.substation_id = k.s AND t.day_start = k.d AND t.feeder_id = k.f
                """, logger: logger)
            {
                let (sub, feeder, day, version, data) = try row.decode((String, String, Int64, Int64, ByteBuffer).self)
                let key = TierColumnsCache.Key(substation: sub, feeder: feeder, day: day, column: column)
                guard let i = position[key] else { continue }
                do {
                    let periods = try PeriodStatsCodec.columns(Array(data.readableBytesView), only: column, widthMs: MinuteStats.tenMinutesMs)
                    cache?.keep(periods, key, version: version)
                    days[i].periods = periods
                } catch {
                    // A tier row is derived data: read the day from its minute statistics instead.
                    let minutes = try await dayMinutes(c, substation: sub, feeder: feeder, day: day, only: column, logger: logger)
                    days[i].periods = QuantityColumns(MinuteStats.periods(minutes, widthMs: tierPeriodMs), column)
                }
            }
        }
        return days.compactMap { day in day.periods.map { (day.key, $0) } }
    }
}
