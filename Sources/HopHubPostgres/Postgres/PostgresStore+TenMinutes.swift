import HopChunks
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// The ten-minute statistics tier (`telemetry_ten_minutes`): per series and UTC day, the
/// statistics of each ten-minute period, derived from `telemetry_minutes` in the same transaction
/// that writes or prunes them. Reads never trust a tier row over its source (as on SQLite).
extension PostgresStore {
    struct SeriesDay: Hashable {
        var substation: String
        var feeder: String
        var day: Int64
    }

    static let tierDayMs: Int64 = 86_400_000
    static let tierPeriodMs = MinuteStats.tenMinutesMs

    static func tierDay(_ ts: Int64) -> Int64 { MinuteStats.periodStart(ts, widthMs: tierDayMs) }

    /// Rewrites one series' day of the tier from its minute statistics, or removes it when the day
    /// has none. Minute statistics that do not decode leave an empty row, which reads do not trust.
    static func rebuildTenMinutes(_ c: PostgresConnection, substation: String, feeder: String, day: Int64, logger: Logger) async throws {
        let rows = try await c.rows(
            """
            SELECT data FROM telemetry_minutes
            WHERE substation_id = \(substation) AND block_start >= \(day) AND block_start < \(day + tierDayMs) AND feeder_id = \(feeder)
            ORDER BY block_start
            """, logger: logger)
        var minutes: [MinuteStats] = []
        var data: [UInt8]? = []
        for row in rows {
            guard let decoded = try? MinuteStatsCodec.decode(Array(try row.decode(ByteBuffer.self).readableBytesView)) else {
                data = nil
                break
            }
            minutes.append(contentsOf: decoded)
        }
        let periods = MinuteStats.periods(minutes, widthMs: tierPeriodMs)
        if data != nil, !periods.isEmpty { data = try? PeriodStatsCodec.encode(periods, widthMs: tierPeriodMs) }
        if data == [] {
            try await c.query(
                """
                DELETE FROM telemetry_ten_minutes WHERE substation_id = \(substation) AND day_start = \(day) AND feeder_id = \(feeder)
                """, logger: logger)
            return
        }
        let count = Int32(data == nil ? 0 : periods.count)
        try await c.query(
            """
            INSERT INTO telemetry_ten_minutes (substation_id, feeder_id, day_start, periods, data)
            VALUES (\(substation), \(feeder), \(day), \(count), \(ByteBuffer(bytes: data ?? [])))
            ON CONFLICT (substation_id, day_start, feeder_id) DO UPDATE SET periods = excluded.periods, data = excluded.data
            """, logger: logger)
    }

    /// Per substation each feeder's ten-minute periods from `from` (a multiple of ten minutes)
    /// through the minute `to`, ordered by feeder: compacted days from the tier, head minutes added
    /// to their period, the period holding `to` built from its minutes up to `to`. Three
    /// statements for all substations.
    static func tenMinutePeriods(
        _ c: PostgresConnection, substations: [String], from: Int64, to: Int64, only: ChunkColumn? = nil, logger: Logger
    ) async throws -> [String: [FeederMinutes]] {
        guard !substations.isEmpty else { return [:] }
        let split = MinuteStats.periodStart(to - 9 * 60_000, widthMs: tierPeriodMs) + tierPeriodMs
        var compacted: [String: [String: [MinuteStats]]] = [:]
        if from < split {
            let rows = try await c.rows(
                """
                SELECT substation_id, feeder_id, day_start, data FROM telemetry_ten_minutes
                WHERE substation_id = ANY(\(substations)::text[]) AND day_start > \(from - tierDayMs) AND day_start < \(split)
                ORDER BY substation_id, day_start
                """, logger: logger)
            for row in rows {
                let (sub, feeder, day, data) = try row.decode((String, String, Int64, ByteBuffer).self)
                let periods: [MinuteStats]
                do {
                    let bytes = Array(data.readableBytesView)
                    periods = try only.map { try PeriodStatsCodec.decode(bytes, only: $0, widthMs: tierPeriodMs) }
                        ?? PeriodStatsCodec.decode(bytes, widthMs: tierPeriodMs)
                } catch {
                    // A tier row is derived data: read the day from its minute statistics instead.
                    let minutes = try await dayMinutes(c, substation: sub, feeder: feeder, day: day, only: only, logger: logger)
                    compacted[sub, default: [:]][feeder, default: []].append(
                        contentsOf: MinuteStats.periods(minutes, widthMs: tierPeriodMs).lazy.filter { $0.minute >= from && $0.minute < split })
                    continue
                }
                compacted[sub, default: [:]][feeder, default: []].append(
                    contentsOf: periods.lazy.filter { $0.minute >= from && $0.minute < split })
            }
        }
        // The head's minutes of the whole window in one statement: those before `split` go into
        // their periods; the rest join the compacted minutes of the period holding `to`.
        let head = try await headMinutes(c, substations: substations, from: from, to: to, only: only, logger: logger)
        let recent = head.mapValues { $0.mapValues { MinuteStats.periods($0.filter { $0.minute < split }, widthMs: tierPeriodMs) } }
        var tail: [String: [String: [MinuteStats]]] = [:]
        if split <= to {
            let compactedTail = try await compactedMinutes(c, substations: substations, from: max(from, split), to: to, only: only, logger: logger)
            for (sub, feeders) in mergedFeeders(compactedTail, head.mapValues { $0.mapValues { $0.filter { $0.minute >= split } } }) {
                for feeder in feeders { tail[sub, default: [:]][feeder.feederID] = MinuteStats.periods(feeder.minutes, widthMs: tierPeriodMs) }
            }
        }
        return mergedFeeders(compacted, recent, then: tail)
    }

    /// One series' compacted minutes of one day, decoded (a damaged block throws, naming it).
    static func dayMinutes(_ c: PostgresConnection, substation: String, feeder: String, day: Int64, only: ChunkColumn?, logger: Logger)
        async throws -> [MinuteStats]
    {
        var minutes: [MinuteStats] = []
        let rows = try await c.rows(
            """
            SELECT block_start, data FROM telemetry_minutes
            WHERE substation_id = \(substation) AND block_start >= \(day) AND block_start < \(day + tierDayMs) AND feeder_id = \(feeder)
            ORDER BY block_start
            """, logger: logger)
        for row in rows {
            let (block, data) = try row.decode((Int64, ByteBuffer).self)
            minutes += try decodeMinutes(data, only: only, substation, feeder, block)
        }
        return minutes
    }

    /// Per substation, ten-minute periods when the bucket width is a multiple of ten minutes, minutes otherwise.
    static func bucketInput(
        _ c: PostgresConnection, substations: [String], widthMs: Int64, from: Int64, to: Int64, only: ChunkColumn? = nil,
        logger: Logger
    ) async throws -> [String: [FeederMinutes]] {
        if widthMs % tierPeriodMs == 0 {
            return try await tenMinutePeriods(c, substations: substations, from: from, to: to, only: only, logger: logger)
        }
        return try await minutes(c, substations: substations, from: from, to: to, only: only, logger: logger)
    }
}
