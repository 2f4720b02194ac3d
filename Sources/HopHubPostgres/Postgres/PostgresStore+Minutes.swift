import HopChunks
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// Per-minute statistics: compacted blocks' statistics (`telemetry_minutes`) combined with the
/// per-minute rows (`telemetry_1m`) of readings still in the head, as on SQLite. Reads take every
/// substation of a query at once: a statement per substation costs a round trip and a plan each.
extension PostgresStore {
    /// Per substation (a key only for substations with minutes) each feeder's minutes in
    /// `from...to` (all quantities, or only `only`), ordered by feeder: two statements for all substations.
    static func minutes(
        _ c: PostgresConnection, substations: [String], from: Int64, to: Int64, only: ChunkColumn? = nil, logger: Logger
    ) async throws -> [String: [FeederMinutes]] {
        guard !substations.isEmpty else { return [:] }
        let compacted = try await compactedMinutes(c, substations: substations, from: from, to: to, only: only, logger: logger)
        let recent = try await headMinutes(c, substations: substations, from: from, to: to, only: only, logger: logger)
        return mergedFeeders(compacted, recent)
    }

    /// Per substation and feeder, the minutes of compacted blocks (`telemetry_minutes`) in `from...to`, in order.
    static func compactedMinutes(
        _ c: PostgresConnection, substations: [String], from: Int64, to: Int64, only: ChunkColumn?, logger: Logger
    ) async throws -> [String: [String: [MinuteStats]]] {
        var compacted: [String: [String: [MinuteStats]]] = [:]
        let rows = try await c.rows(
            """
            SELECT substation_id, feeder_id, block_start, data FROM telemetry_minutes
            WHERE substation_id = ANY(\(substations)::text[])
              AND block_start > \(from - TelemetryChunking.blockMs) AND block_start <= \(to) AND last_minute >= \(from)
            ORDER BY substation_id, block_start
            """, logger: logger)
        for row in rows {
            let (sub, feeder, block, data) = try row.decode((String, String, Int64, ByteBuffer).self)
            let decoded = try decodeMinutes(data, only: only, sub, feeder, block)
            compacted[sub, default: [:]][feeder, default: []].append(contentsOf: decoded.lazy.filter { $0.minute >= from && $0.minute <= to })
        }
        return compacted
    }

    /// Per substation and feeder, the per-minute rows (`telemetry_1m`) in `from...to`, by minute.
    static func headMinutes(
        _ c: PostgresConnection, substations: [String], from: Int64, to: Int64, only: ChunkColumn? = nil, logger: Logger
    ) async throws -> [String: [String: [MinuteStats]]] {
        var recent: [String: [String: [MinuteStats]]] = [:]
        let rows = try await c.rows(
            """
            SELECT substation_id, feeder_id, minute, v_n, v_sum, v_min, v_max, v_last, i_n, i_sum, i_min, i_max, i_last,
              p_n, p_sum, p_min, p_max, p_last, f_n, f_sum, f_min, f_max, f_last
            FROM telemetry_1m WHERE substation_id = ANY(\(substations)::text[]) AND minute >= \(from) AND minute <= \(to)
            ORDER BY substation_id, feeder_id, minute
            """, logger: logger)
        typealias Quantity = (Int64, Double, Double?, Double?, Double?)
        for row in rows {
            let r = try row.decode(
                (String, String, Int64, Int64, Double, Double?, Double?, Double?, Int64, Double, Double?, Double?, Double?,
                 Int64, Double, Double?, Double?, Double?, Int64, Double, Double?, Double?, Double?).self)
            let quantities: [Quantity] = [(r.3, r.4, r.5, r.6, r.7), (r.8, r.9, r.10, r.11, r.12), (r.13, r.14, r.15, r.16, r.17),
                                          (r.18, r.19, r.20, r.21, r.22)]
            var m = MinuteStats(minute: r.2)
            for column in ChunkColumn.allCases where only == nil || only == column {
                let (n, sum, min, max, last) = quantities[column.rawValue]
                guard n > 0, let min, let max else { continue }
                m[column] = QuantityStats(count: Int(n), sum: sum, min: min, max: max, last: last ?? max)
            }
            recent[r.0, default: [:]][r.1, default: []].append(m)
        }
        return recent
    }

    /// Compacted and head minutes of each substation merged per feeder (a minute in both combined),
    /// with `tail` (later than both) appended.
    static func mergedFeeders(
        _ compacted: [String: [String: [MinuteStats]]], _ recent: [String: [String: [MinuteStats]]],
        then tail: [String: [String: [MinuteStats]]] = [:]
    ) -> [String: [FeederMinutes]] {
        var merged: [String: [FeederMinutes]] = [:]
        for sub in Set(compacted.keys).union(recent.keys).union(tail.keys) {
            let old = compacted[sub] ?? [:]
            let new = recent[sub] ?? [:]
            let last = tail[sub] ?? [:]
            merged[sub] = Set(old.keys).union(new.keys).union(last.keys).sorted().map { feeder in
                FeederMinutes(feederID: feeder, minutes: FeederMinutes.merge(old[feeder] ?? [], new[feeder] ?? []) + (last[feeder] ?? []))
            }
        }
        return merged
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
