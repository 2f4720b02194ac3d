import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// The rows one write adds: each table is one statement over arrays (`unnest`), ordered by key so
/// that two groups or replicas committing at once take their row locks in the same order. (The rollups,
/// latest readings and substations its readings add are written per group: `commit`.)
extension PostgresStore {
    static func insertTelemetry(
        _ rows: [StoredTelemetry], arrival: Int64, headRows: HeadRowWrite, _ connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !rows.isEmpty else { return }
        var head: [StoredTelemetry]
        switch headRows {
        case .insert:
            // Two rows of one key in the write fail the plain insert like a key already in the head.
            head = rows
        case .upsert:
            // One head row per series and source time: of two in one write the later one is kept,
            // as a later write replaces an earlier one (one statement may not update a row twice).
            struct Key: Hashable { var sub: String; var ts: Int64; var feeder: String }
            var last: [Key: Int] = [:]
            last.reserveCapacity(rows.count)
            for (i, t) in rows.enumerated() { last[Key(sub: t.substationID.rawValue, ts: t.ts, feeder: t.feederID)] = i }
            head = last.values.sorted().map { rows[$0] }
        }
        // Sorted here, by key, and expanded by `unnest` in the select list: PostgreSQL inserts the
        // rows as they are expanded. `unnest` in FROM first copied them into a tuple store, and
        // `ORDER BY` sorted them comparing names by collation: together about a quarter of the
        // statement's time.
        head = TelemetryKeyOrder.sorted(head)
        try await connection.query(
            """
            INSERT INTO telemetry (substation_id, ts, feeder_id, device_id, site_name, latitude, longitude,
              voltage_kv, current_a, power_mw, frequency_hz, received_at)
            SELECT unnest(\(head.map(\.substationID.rawValue))::text[]), unnest(\(head.map(\.ts))::int8[]),
              unnest(\(head.map(\.feederID))::text[]),
              unnest(\(PostgresNullableArray(head.map(\.deviceID)))::text[]), unnest(\(PostgresNullableArray(head.map(\.siteName)))::text[]),
              unnest(\(PostgresNullableArray(head.map(\.latitude)))::float8[]), unnest(\(PostgresNullableArray(head.map(\.longitude)))::float8[]),
              unnest(\(PostgresNullableArray(head.map(\.values.voltageKV)))::float8[]),
              unnest(\(PostgresNullableArray(head.map(\.values.currentA)))::float8[]),
              unnest(\(PostgresNullableArray(head.map(\.values.powerMW)))::float8[]),
              unnest(\(PostgresNullableArray(head.map(\.values.frequencyHz)))::float8[]), \(arrival)::bigint
            \(unescaped: headRows.conflictClause)
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
              \(rows.map(\.ts))::int8[], \(PostgresNullableArray(rows.map(\.substationID?.rawValue)))::text[],
              \(PostgresNullableArray(events.map(\.deviceID?.rawValue)))::text[],
              \(PostgresNullableArray(events.map(\.feederID?.rawValue)))::text[],
              \(events.map { $0.severity.uppercased() })::text[], \(events.map { $0.eventType.uppercased() })::text[],
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
