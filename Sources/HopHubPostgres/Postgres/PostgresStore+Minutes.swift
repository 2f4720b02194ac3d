import HopChunks
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// Per-minute statistics: compacted blocks' statistics (`telemetry_minutes`) combined with the
/// per-minute rows (`telemetry_1m`) of readings still in the head, as on SQLite.
extension PostgresStore {
    /// Each feeder's minutes of `substation` in `from...to` (all quantities, or only `only`), ordered by feeder.
    static func minutes(_ c: PostgresConnection, substation: String, from: Int64, to: Int64, only: ChunkColumn? = nil, logger: Logger)
        async throws -> [FeederMinutes]
    {
        var compacted: [String: [MinuteStats]] = [:]
        let rows = try await c.rows(
            """
            SELECT feeder_id, block_start, data FROM telemetry_minutes
            WHERE substation_id = \(substation) AND block_start > \(from - TelemetryChunking.blockMs) AND block_start <= \(to)
              AND last_minute >= \(from)
            ORDER BY block_start
            """, logger: logger)
        for row in rows {
            let (feeder, block, data) = try row.decode((String, Int64, ByteBuffer).self)
            let decoded = try decodeMinutes(data, only: only, substation, feeder, block)
            compacted[feeder, default: []].append(contentsOf: decoded.lazy.filter { $0.minute >= from && $0.minute <= to })
        }
        let recent = try await headMinutes(c, substation: substation, from: from, to: to, only: only, logger: logger)
        return Set(compacted.keys).union(recent.keys).sorted().map { feeder in
            FeederMinutes(feederID: feeder, minutes: FeederMinutes.merge(compacted[feeder] ?? [], recent[feeder] ?? []))
        }
    }

    /// Each feeder's per-minute rows (`telemetry_1m`) of `substation` in `from...to`, by minute.
    static func headMinutes(_ c: PostgresConnection, substation: String, from: Int64, to: Int64, only: ChunkColumn? = nil, logger: Logger)
        async throws -> [String: [MinuteStats]]
    {
        var recent: [String: [MinuteStats]] = [:]
        let rows = try await c.rows(
            """
            SELECT feeder_id, minute, v_n, v_sum, v_min, v_max, v_last, i_n, i_sum, i_min, i_max, i_last,
              p_n, p_sum, p_min, p_max, p_last, f_n, f_sum, f_min, f_max, f_last
            FROM telemetry_1m WHERE substation_id = \(substation) AND minute >= \(from) AND minute <= \(to) ORDER BY feeder_id, minute
            """, logger: logger)
        typealias Quantity = (Int64, Double, Double?, Double?, Double?)
        for row in rows {
            let r = try row.decode(
                (String, Int64, Int64, Double, Double?, Double?, Double?, Int64, Double, Double?, Double?, Double?,
                 Int64, Double, Double?, Double?, Double?, Int64, Double, Double?, Double?, Double?).self)
            let quantities: [Quantity] = [(r.2, r.3, r.4, r.5, r.6), (r.7, r.8, r.9, r.10, r.11), (r.12, r.13, r.14, r.15, r.16),
                                          (r.17, r.18, r.19, r.20, r.21)]
            var m = MinuteStats(minute: r.1)
            for column in ChunkColumn.allCases where only == nil || only == column {
                let (n, sum, min, max, last) = quantities[column.rawValue]
                guard n > 0, let min, let max else { continue }
                m[column] = QuantityStats(count: Int(n), sum: sum, min: min, max: max, last: last ?? max)
            }
            recent[r.0, default: []].append(m)
        }
        return recent
    }

    static func decodeMinutes(_ data: ByteBuffer, only: ChunkColumn?, _ substation: String, _ feeder: String, _ block: Int64) throws
        -> [MinuteStats]
    {
        do {
            let bytes = Array(data.readableBytesView)
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

    /// Writes the minute statistics of a block's (merged) points, removes the block's per-minute
    /// rows in `[block, end)` (the points now hold their readings) and rebuilds the block's day of the tier.
    static func writeMinutes(
        _ c: PostgresConnection, substation: String, feeder: String, block: Int64, end: Int64, encoded: [UInt8], minutes: Int,
        lastMinute: Int64, logger: Logger
    ) async throws {
        try await c.query(
            """
            INSERT INTO telemetry_minutes (substation_id, feeder_id, block_start, minutes, last_minute, data)
            VALUES (\(substation), \(feeder), \(block), \(Int32(minutes)), \(lastMinute), \(ByteBuffer(bytes: encoded)))
            ON CONFLICT (substation_id, block_start, feeder_id) DO UPDATE SET
              minutes = excluded.minutes, last_minute = excluded.last_minute, data = excluded.data
            """, logger: logger)
        try await c.query(
            """
            DELETE FROM telemetry_1m
            WHERE substation_id = \(substation) AND feeder_id = \(feeder) AND minute >= \(block) AND minute < \(end)
            """, logger: logger)
        try await rebuildTenMinutes(c, substation: substation, feeder: feeder, day: tierDay(block), logger: logger)
    }
}
