/// How ingest writes a batch's head rows. A plain `INSERT` costs PostgreSQL about half of an
/// `INSERT … ON CONFLICT DO UPDATE` (no speculative insertion: no extra index probe before each
/// row, no confirmation record in the WAL after it), and almost every batch holds only new keys;
/// a batch with a key already in the head fails the plain insert with a unique violation of
/// `telemetry_pkey` and is applied again with the upsert, so a later write of a reading still
/// replaces the earlier one.
enum HeadRowWrite: Sendable {
    /// Plain `INSERT`: fails on a key already in the head.
    case insert
    /// `INSERT … ON CONFLICT DO UPDATE`: a row with the key of an existing one replaces it.
    case upsert

    /// What follows the head's `INSERT … SELECT`.
    var conflictClause: String {
        switch self {
        case .insert:
            return ""
        case .upsert:
            return """
                ON CONFLICT (substation_id, ts, feeder_id) DO UPDATE SET device_id = excluded.device_id,
                  site_name = excluded.site_name, latitude = excluded.latitude, longitude = excluded.longitude,
                  voltage_kv = excluded.voltage_kv, current_a = excluded.current_a, power_mw = excluded.power_mw,
                  frequency_hz = excluded.frequency_hz, received_at = excluded.received_at
                """
        }
    }
}
