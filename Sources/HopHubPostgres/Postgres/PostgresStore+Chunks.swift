import HopChunks
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// Raw readings from chunks (`telemetry_chunks.data`, docs/chunk-format.md) and the head (`telemetry_head`) together.
extension PostgresStore {
    /// One decoded chunk row.
    struct StoredChunk {
        var feederID: String
        var blockStart: Int64
        var points: [ChunkPoint]
    }

    /// The chunk of one series and block, decoded; nil when there is none.
    static func chunk(_ c: PostgresConnection, substation: String, feeder: String, block: Int64, logger: Logger) async throws -> StoredChunk? {
        let rows = try await c.rows(
            """
            SELECT data FROM telemetry_chunks WHERE substation_id = \(substation) AND feeder_id = \(feeder) AND block_start = \(block)
            """, logger: logger)
        guard let row = rows.first else { return nil }
        let data = try row.decode(ByteBuffer.self)
        return StoredChunk(feederID: feeder, blockStart: block, points: try decode(data, substation, feeder, block))
    }

    static func decode(_ data: ByteBuffer, _ substation: String, _ feeder: String, _ block: Int64) throws -> [ChunkPoint] {
        do {
            return try ChunkDecoder.decode(Array(data.readableBytesView))
        } catch {
            throw CorruptChunkError(substationID: substation, feederID: feeder, blockStart: block, underlying: error)
        }
    }

    /// Every raw reading of `substation` with `from <= ts <= to`, ordered by time then feeder: the
    /// chunks overlapping the window with the head on top (a head row is a later write than any
    /// chunk of its block), one reading per feeder and time.
    static func rawReadings(_ c: PostgresConnection, substation: String, from: Int64, to: Int64, logger: Logger) async throws -> [RawReading] {
        try await rawReadings(c, substations: [substation], from: from, to: to, logger: logger)[substation] ?? []
    }

    /// `rawReadings` of several substations in two statements, per substation (a key only for those with readings).
    static func rawReadings(_ c: PostgresConnection, substations: [String], from: Int64, to: Int64, logger: Logger) async throws
        -> [String: [RawReading]]
    {
        struct Key: Hashable { var feeder: String; var ts: Int64 }
        var byKey: [String: [Key: ChunkPoint]] = [:]
        let chunks = try await c.rows(
            """
            SELECT substation_id, feeder_id, block_start, data FROM telemetry_chunks
            WHERE substation_id = ANY(\(substations)::text[]) AND block_start <= \(to) AND last_ts >= \(from)
            """, logger: logger)
        for row in chunks {
            let (sub, feeder, block, data) = try row.decode((String, String, Int64, ByteBuffer).self)
            for point in try decode(data, sub, feeder, block) where point.ts >= from && point.ts <= to {
                byKey[sub, default: [:]][Key(feeder: feeder, ts: point.ts)] = point
            }
        }
        // Head rows in the order they were written: a later row's reading replaces an earlier one.
        let fromBlock = from <= Int64.min + TelemetryChunking.blockMs ? Int64.min : TelemetryChunking.blockStart(from)
        let head = try await HeadRow.read(
            c,
            """
            SELECT \(unescaped: HeadRow.columns) FROM telemetry_head
            WHERE substation_id = ANY(\(substations)::text[]) AND block_start >= \(fromBlock) AND block_start <= \(to)
              AND last_ts >= \(from) AND first_ts <= \(to)
            ORDER BY id
            """, logger: logger)
        for row in head {
            for (k, ts) in row.ts.enumerated() where ts >= from && ts <= to {
                byKey[row.substation, default: [:]][Key(feeder: row.feeder, ts: ts)] = ChunkPoint(
                    ts: ts, voltageKV: row.voltageKV[k], currentA: row.currentA[k], powerMW: row.powerMW[k], frequencyHz: row.frequencyHz[k])
            }
        }
        return byKey.mapValues { points in
            points.map { RawReading(feederID: $0.key.feeder, point: $0.value) }
                .sorted { $0.point.ts != $1.point.ts ? $0.point.ts < $1.point.ts : $0.feederID < $1.feederID }
        }
    }
}
