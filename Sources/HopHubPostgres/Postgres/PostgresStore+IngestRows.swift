import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// The rows one write adds: each table is one statement over arrays (`unnest`). (The rollups,
/// latest readings and substations its readings add are written per group: `commit`.)
extension PostgresStore {
    /// The write's readings as head rows (``HeadBlocks``): the readings are bound once as one
    /// array per column, in row order, and each row takes its slice of them.
    static func insertTelemetry(_ head: HeadBlocks, arrival: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        guard !head.readings.isEmpty else { return }
        let r = head.readings
        try await connection.query(
            """
            WITH a AS (
              SELECT \(PostgresArray(r.map(\.ts)))::int8[] AS ts, \(PostgresNullableArray(r.map(\.deviceID)))::text[] AS dev,
                \(PostgresNullableArray(r.map(\.siteName)))::text[] AS site,
                \(PostgresNullableArray(r.map(\.latitude)))::float8[] AS lat, \(PostgresNullableArray(r.map(\.longitude)))::float8[] AS lon,
                \(PostgresNullableArray(r.map(\.values.voltageKV)))::float8[] AS v, \(PostgresNullableArray(r.map(\.values.currentA)))::float8[] AS i,
                \(PostgresNullableArray(r.map(\.values.powerMW)))::float8[] AS p,
                \(PostgresNullableArray(r.map(\.values.frequencyHz)))::float8[] AS f)
            INSERT INTO telemetry_head (substation_id, block_start, feeder_id, first_ts, last_ts, received_at, points, ts,
              device_id, site_name, latitude, longitude, voltage_kv, current_a, power_mw, frequency_hz)
            SELECT g.sub, g.block, g.feeder, g.first, g.last, \(arrival)::bigint, g.hi - g.lo + 1, a.ts[g.lo:g.hi],
              a.dev[g.lo:g.hi], a.site[g.lo:g.hi], a.lat[g.lo:g.hi], a.lon[g.lo:g.hi], a.v[g.lo:g.hi], a.i[g.lo:g.hi],
              a.p[g.lo:g.hi], a.f[g.lo:g.hi]
            FROM a, unnest(\(PostgresArray(head.rows.map(\.substation)))::text[], \(PostgresArray(head.rows.map(\.blockStart)))::int8[],
              \(PostgresArray(head.rows.map(\.feeder)))::text[], \(PostgresArray(head.rows.map(\.firstTs)))::int8[], \(PostgresArray(head.rows.map(\.lastTs)))::int8[],
              \(PostgresArray(head.bounds.map { Int32($0.lowerBound + 1) }))::int4[], \(PostgresArray(head.bounds.map { Int32($0.upperBound) }))::int4[])
              AS g(sub, block, feeder, first, last, lo, hi)
            """, logger: logger)
    }

    static func insertEvents(_ rows: [StoredEvent], arrival: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        guard !rows.isEmpty else { return }
        let events = rows.map(\.event)
        // Ids follow the write's order, as SQLite's do: the n-th smallest returned id is the n-th row's.
        let pending = rows.map { AlertCandidate.from($0) != nil }
        let inserted = try await connection.rows(
            """
            INSERT INTO events (ts, substation_id, device_id, feeder_id, severity, event_type, old_state, new_state,
              message, latitude, longitude, received_at)
            SELECT ts, sub, dev, fdr, sev, typ, old, new, msg, lat, lon, \(arrival)::bigint FROM unnest(
              \(PostgresArray(rows.map(\.ts)))::int8[], \(PostgresNullableArray(rows.map(\.substationID?.rawValue)))::text[],
              \(PostgresNullableArray(events.map(\.deviceID?.rawValue)))::text[],
              \(PostgresNullableArray(events.map(\.feederID?.rawValue)))::text[],
              \(PostgresArray(events.map { $0.severity.uppercased() }))::text[], \(PostgresArray(events.map { $0.eventType.uppercased() }))::text[],
              \(PostgresNullableArray(events.map(\.oldState)))::text[], \(PostgresNullableArray(events.map(\.newState)))::text[],
              \(PostgresNullableArray(events.map(\.message)))::text[],
              \(PostgresNullableArray(events.map(\.latitude)))::float8[], \(PostgresNullableArray(events.map(\.longitude)))::float8[]
            ) WITH ORDINALITY AS e(ts, sub, dev, fdr, sev, typ, old, new, msg, lat, lon, n)
            ORDER BY n
            RETURNING id
            """, logger: logger)
        guard pending.contains(true) else { return }
        let ids = try inserted.map { try $0.decode(Int64.self) }.sorted()
        try await insertPendingAlerts(zip(ids, pending).filter(\.1).map(\.0), arrival: arrival, connection, logger: logger)
    }

    /// One statement per outage, in the write's order: a write may update one outage twice.
    static func upsertOutages(_ rows: [StoredOutage], arrival: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        for r in rows {
            let o = r.outage
            let customers = o.customersOut.map(Int64.init)
            try await connection.query(
                """
                INSERT INTO outages (outage_id, substation_id, feeder_id, customers_out, mw_interrupted, status, cause,
                  region, etr_time, latitude, longitude, ts, active, updated_at)
                VALUES (\(o.outageID.rawValue), \(r.substationID?.rawValue), \(o.feederID?.rawValue), \(customers),
                  \(o.mwInterrupted), \(o.status.uppercased()), \(o.cause), \(o.region), \(o.etrTime?.epochMilliseconds),
                  \(o.latitude), \(o.longitude), \(r.ts), \(!o.isResolved), \(arrival))
                ON CONFLICT (outage_id) DO UPDATE SET
                  substation_id = coalesce(outages.substation_id, excluded.substation_id),
                  feeder_id = coalesce(excluded.feeder_id, outages.feeder_id),
                  customers_out = coalesce(excluded.customers_out, outages.customers_out),
                  mw_interrupted = coalesce(excluded.mw_interrupted, outages.mw_interrupted),
                  status = excluded.status, cause = coalesce(excluded.cause, outages.cause),
                  region = coalesce(excluded.region, outages.region), etr_time = coalesce(excluded.etr_time, outages.etr_time),
                  latitude = coalesce(excluded.latitude, outages.latitude),
                  longitude = coalesce(excluded.longitude, outages.longitude),
                  ts = excluded.ts, active = excluded.active, updated_at = excluded.updated_at
                WHERE excluded.ts >= outages.ts
                """, logger: logger)
        }
    }
}
