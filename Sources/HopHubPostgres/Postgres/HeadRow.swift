import HopChunks
import HopHubCore
import Logging
import PostgresNIO

/// One row of the head (`telemetry_head`) as read back: one write's readings of one series and
/// chunk block, in time order. Of two rows holding a reading of the same source time, the one
/// with the larger `id` was written later and holds the reading's value.
struct HeadRow {
    var substation: String
    var feeder: String
    var id: Int64
    var ts: [Int64]
    var voltageKV: [Double?]
    var currentA: [Double?]
    var powerMW: [Double?]
    var frequencyHz: [Double?]

    /// The columns ``read(_:_:logger:)`` decodes, in its order.
    static let columns = "substation_id, feeder_id, id, ts, voltage_kv, current_a, power_mw, frequency_hz"

    var points: [ChunkPoint] {
        ts.indices.map { ChunkPoint(ts: ts[$0], voltageKV: voltageKV[$0], currentA: currentA[$0], powerMW: powerMW[$0], frequencyHz: frequencyHz[$0]) }
    }

    /// The rows `query` answers, its columns those of ``columns``.
    static func read(_ c: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> [HeadRow] {
        var rows: [HeadRow] = []
        for row in try await c.rows(query, logger: logger) {
            let (sub, feeder, id, ts, v, i, p, f) = try row.decode(
                (String, String, Int64, PlainArray<Int64>, NullablePlainArray<Double>, NullablePlainArray<Double>,
                 NullablePlainArray<Double>, NullablePlainArray<Double>).self)
            let n = ts.values.count
            guard v.values.count == n, i.values.count == n, p.values.count == n, f.values.count == n else {
                throw PostgresRowError(table: "telemetry_head", id: "\(id)", problem: "its reading arrays differ in length")
            }
            rows.append(HeadRow(
                substation: sub, feeder: feeder, id: id, ts: ts.values, voltageKV: v.values, currentA: i.values, powerMW: p.values,
                frequencyHz: f.values))
        }
        return rows
    }

    /// The readings of `rows` (all of one series), one per source time, the newest row's where
    /// several hold one, in time order.
    static func merged(_ rows: [HeadRow]) -> [ChunkPoint] {
        let byStart = rows.sorted { ($0.ts.first ?? 0, $0.id) < ($1.ts.first ?? 0, $1.id) }
        // Usually each write holds a later stretch of time than the one before: laid end to end.
        if zip(byStart, byStart.dropFirst()).allSatisfy({ ($0.ts.last ?? .min) < ($1.ts.first ?? .max) }) {
            return byStart.flatMap(\.points)
        }
        var all: [(id: Int64, point: ChunkPoint)] = []
        for row in rows { all += row.points.map { (row.id, $0) } }
        all.sort { $0.point.ts != $1.point.ts ? $0.point.ts < $1.point.ts : $0.id < $1.id }
        var points: [ChunkPoint] = []
        points.reserveCapacity(all.count)
        for (_, point) in all {
            if let last = points.last, last.ts == point.ts {
                points[points.count - 1] = point
            } else {
                points.append(point)
            }
        }
        return points
    }
}
