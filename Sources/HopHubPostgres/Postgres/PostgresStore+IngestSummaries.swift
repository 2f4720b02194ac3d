import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// What ingest maintains beside the head, in the write's transaction: per-minute rollups, the
/// newest reading per series and the substations, one upsert statement each.
extension PostgresStore {
    static func upsertRollups(_ rollups: [MinuteRollup.Key: MinuteRollup], _ connection: PostgresConnection, logger: Logger) async throws {
        guard !rollups.isEmpty else { return }
        let keys = rollups.keys.sorted { ($0.substationID.rawValue, $0.feederID, $0.minute) < ($1.substationID.rawValue, $1.feederID, $1.minute) }
        let entries = keys.map { rollups[$0]! }
        func stat(_ i: Int) -> [MinuteRollup.Stat] { entries.map { $0.stats[i] } }
        func mins(_ i: Int) -> PostgresNullableArray<Double> { PostgresNullableArray(stat(i).map { $0.count > 0 ? $0.min : nil }) }
        func maxs(_ i: Int) -> PostgresNullableArray<Double> { PostgresNullableArray(stat(i).map { $0.count > 0 ? $0.max : nil }) }
        func sums(_ i: Int) -> PostgresArray<Double> { PostgresArray(stat(i).map(\.sum)) }
        func counts(_ i: Int) -> PostgresArray<Int64> { PostgresArray(stat(i).map { Int64($0.count) }) }
        func lasts(_ i: Int) -> PostgresNullableArray<Double> { PostgresNullableArray(stat(i).map(\.last)) }
        let updates = ["v", "i", "p", "f"].map { c in
            """
            \(c)_min = LEAST(telemetry_1m.\(c)_min, excluded.\(c)_min), \(c)_max = GREATEST(telemetry_1m.\(c)_max, excluded.\(c)_max),
            \(c)_sum = telemetry_1m.\(c)_sum + excluded.\(c)_sum, \(c)_n = telemetry_1m.\(c)_n + excluded.\(c)_n,
            \(c)_last = CASE WHEN excluded.last_ts >= telemetry_1m.last_ts AND excluded.\(c)_last IS NOT NULL
                        THEN excluded.\(c)_last ELSE telemetry_1m.\(c)_last END
            """
        }.joined(separator: ",\n")
        try await connection.query(
            """
            INSERT INTO telemetry_1m SELECT * FROM unnest(
              \(PostgresArray(keys.map(\.substationID.rawValue)))::text[], \(PostgresArray(keys.map(\.feederID)))::text[], \(PostgresArray(keys.map(\.minute)))::int8[],
              \(PostgresArray(entries.map(\.lastTs)))::int8[],
              \(mins(0))::float8[], \(maxs(0))::float8[], \(sums(0))::float8[], \(counts(0))::int8[], \(lasts(0))::float8[],
              \(mins(1))::float8[], \(maxs(1))::float8[], \(sums(1))::float8[], \(counts(1))::int8[], \(lasts(1))::float8[],
              \(mins(2))::float8[], \(maxs(2))::float8[], \(sums(2))::float8[], \(counts(2))::int8[], \(lasts(2))::float8[],
              \(mins(3))::float8[], \(maxs(3))::float8[], \(sums(3))::float8[], \(counts(3))::int8[], \(lasts(3))::float8[])
            ON CONFLICT (substation_id, feeder_id, minute) DO UPDATE SET
            \(unescaped: updates),
            last_ts = GREATEST(telemetry_1m.last_ts, excluded.last_ts)
            """, logger: logger)
    }

    static func upsertLatest(_ rows: [HeadBlocks.Newest], _ connection: PostgresConnection, logger: Logger) async throws {
        struct Series: Hashable { var substation: String; var feeder: String }
        var newest: [Series: HeadBlocks.Newest] = [:]
        for candidate in rows {
            let key = Series(substation: candidate.row.substation, feeder: candidate.row.feeder)
            if let kept = newest[key], !candidate.supersedes(kept) { continue }
            newest[key] = candidate
        }
        let latest = newest.values.sorted { ($0.row.substation, $0.row.feeder) < ($1.row.substation, $1.row.feeder) }.map(\.reading)
        try await connection.query(
            """
            INSERT INTO telemetry_latest (substation_id, feeder_id, ts, device_id, site_name, latitude, longitude,
              voltage_kv, current_a, power_mw, frequency_hz)
            SELECT * FROM unnest(
              \(PostgresArray(latest.map(\.substationID.rawValue)))::text[], \(PostgresArray(latest.map(\.feederID)))::text[], \(PostgresArray(latest.map(\.ts)))::int8[],
              \(PostgresNullableArray(latest.map(\.deviceID)))::text[], \(PostgresNullableArray(latest.map(\.siteName)))::text[],
              \(PostgresNullableArray(latest.map(\.latitude)))::float8[], \(PostgresNullableArray(latest.map(\.longitude)))::float8[],
              \(PostgresNullableArray(latest.map(\.values.voltageKV)))::float8[],
              \(PostgresNullableArray(latest.map(\.values.currentA)))::float8[],
              \(PostgresNullableArray(latest.map(\.values.powerMW)))::float8[],
              \(PostgresNullableArray(latest.map(\.values.frequencyHz)))::float8[])
            ON CONFLICT (substation_id, feeder_id) DO UPDATE SET ts = excluded.ts, device_id = excluded.device_id,
              site_name = excluded.site_name, latitude = excluded.latitude, longitude = excluded.longitude,
              voltage_kv = excluded.voltage_kv, current_a = excluded.current_a, power_mw = excluded.power_mw,
              frequency_hz = excluded.frequency_hz
            WHERE excluded.ts >= telemetry_latest.ts
            """, logger: logger)
    }

    static func upsertSubstations(_ rows: [HeadBlocks.Newest], _ connection: PostgresConnection, logger: Logger) async throws {
        struct Seen { var first: Int64; var last: HeadBlocks.Newest }
        var seen: [String: Seen] = [:]
        for candidate in rows {
            if var s = seen[candidate.row.substation] {
                s.first = min(s.first, candidate.row.firstTs)
                if candidate.supersedes(s.last) { s.last = candidate }
                seen[candidate.row.substation] = s
            } else {
                seen[candidate.row.substation] = Seen(first: candidate.row.firstTs, last: candidate)
            }
        }
        let ids = seen.keys.sorted()
        let s = ids.map { seen[$0]! }
        try await connection.query(
            """
            INSERT INTO substations (substation_id, site_name, latitude, longitude, first_seen, last_seen)
            SELECT * FROM unnest(
              \(PostgresArray(ids))::text[], \(PostgresNullableArray(s.map(\.last.reading.siteName)))::text[],
              \(PostgresNullableArray(s.map(\.last.reading.latitude)))::float8[],
              \(PostgresNullableArray(s.map(\.last.reading.longitude)))::float8[],
              \(PostgresArray(s.map(\.first)))::int8[], \(PostgresArray(s.map(\.last.reading.ts)))::int8[])
            ON CONFLICT (substation_id) DO UPDATE SET
              site_name = CASE WHEN excluded.last_seen >= substations.last_seen THEN coalesce(excluded.site_name, substations.site_name)
                               ELSE coalesce(substations.site_name, excluded.site_name) END,
              latitude = CASE WHEN excluded.last_seen >= substations.last_seen AND excluded.latitude IS NOT NULL
                              THEN excluded.latitude ELSE coalesce(substations.latitude, excluded.latitude) END,
              longitude = CASE WHEN excluded.last_seen >= substations.last_seen AND excluded.longitude IS NOT NULL
                               THEN excluded.longitude ELSE coalesce(substations.longitude, excluded.longitude) END,
              first_seen = LEAST(substations.first_seen, excluded.first_seen),
              last_seen = GREATEST(substations.last_seen, excluded.last_seen)
            """, logger: logger)
    }
}
