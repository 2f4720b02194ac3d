import Foundation
import GRDB
import HopChunks
import HopHubCore

/// One decoded chunk row.
struct StoredChunk {
    var feederID: String
    var blockStart: Int64
    var points: [ChunkPoint]
}

extension SQLiteStore {
    /// The chunk of one series and block, decoded; nil when there is none.
    static func chunk(_ db: Database, substation: String, feeder: String, block: Int64) throws -> StoredChunk? {
        guard let data = try Data.fetchOne(
            db, sql: "SELECT data FROM telemetry_chunks WHERE substation_id = ? AND feeder_id = ? AND block_start = ?",
            arguments: [substation, feeder, block])
        else { return nil }
        return StoredChunk(feederID: feeder, blockStart: block, points: try decode(data, substation, feeder, block))
    }

    static func decode(_ data: Data, _ substation: String, _ feeder: String, _ block: Int64) throws -> [ChunkPoint] {
        do {
            return try ChunkDecoder.decode([UInt8](data))
        } catch {
            throw CorruptChunkError(substationID: substation, feederID: feeder, blockStart: block, underlying: error)
        }
    }

    /// Every raw reading of `substation` with `from <= ts <= to`, ordered by time then feeder: the
    /// chunks overlapping the window, with the head on top (a head row is a later write than any
    /// chunk of its block; the head holds one row per feeder and time), one reading per feeder and time.
    static func rawReadings(_ db: Database, substation: String, from: Int64, to: Int64) throws -> [RawReading] {
        struct Key: Hashable { var feeder: String; var ts: Int64 }
        var byKey: [Key: ChunkPoint] = [:]
        let chunks = try Row.fetchAll(
            db,
            sql: """
                SELECT feeder_id, block_start, data FROM telemetry_chunks
                WHERE substation_id = ? AND block_start <= ? AND last_ts >= ?
                """,
            arguments: [substation, to, from])
        for row in chunks {
            let feeder: String = row["feeder_id"]
            for point in try decode(row["data"], substation, feeder, row["block_start"]) where point.ts >= from && point.ts <= to {
                byKey[Key(feeder: feeder, ts: point.ts)] = point
            }
        }
        let head = try Row.fetchAll(
            db,
            sql: """
                SELECT feeder_id, ts, voltage_kv, current_a, power_mw, frequency_hz FROM telemetry
                WHERE substation_id = ? AND ts >= ? AND ts <= ?
                """,
            arguments: [substation, from, to])
        for row in head {
            byKey[Key(feeder: row[0], ts: row[1])] = ChunkPoint(ts: row[1], voltageKV: row[2], currentA: row[3], powerMW: row[4], frequencyHz: row[5])
        }
        return byKey.map { RawReading(feederID: $0.key.feeder, point: $0.value) }
            .sorted { $0.point.ts != $1.point.ts ? $0.point.ts < $1.point.ts : $0.feederID < $1.feederID }
    }
}
