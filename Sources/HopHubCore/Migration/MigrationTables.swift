/// The tables `hop-hub migrate` moves from SQLite to PostgreSQL, in copy order (a table before
/// the tables whose foreign keys name it), and the SQLite tables it leaves out on purpose.
/// docs/hub-storage.md ("Moving from SQLite to PostgreSQL") lists both; every table of the SQLite
/// schema is in exactly one of the two lists, which `hop-hub migrate` checks before copying.
public enum MigrationTables {
    /// The tables copied row by row, in order.
    public static let copied: [MigrationTable] = telemetry + operations + accounts + alerting

    /// Tables the target computes itself while the others are copied; compared, not copied.
    /// `score_peaks` follows `scores` through a trigger on both backends.
    public static let derived: [MigrationTable] = [
        MigrationTable(
            "score_peaks", key: ["substation_id", "period"],
            [
                .init("substation_id", .text), .init("period", .integer), .init("ts", .integer), .init("anomaly_score", .real),
                .init("z_score", .real), .init("baseline_mean", .real), .init("baseline_std", .real),
                .init("latest_value", .real), .init("model_version", .text),
            ])
    ]

    /// Every table verified at the end: the copied ones and the derived ones.
    public static var verified: [MigrationTable] { copied + derived }

    /// SQLite tables not copied, with the reason the command and the docs give.
    public static let skipped: [MigrationSkippedTable] = [
        MigrationSkippedTable(
            "job_leases",
            "leases name processes of the old hub; they expire within a minute and the new hub takes its own"),
        MigrationSkippedTable("grdb_migrations", "SQLite's own schema version; PostgreSQL keeps its own in hop_migrations"),
    ]

    static let reading: [MigrationColumn] = [
        .init("device_id", .text), .init("site_name", .text), .init("latitude", .real), .init("longitude", .real),
        .init("voltage_kv", .real), .init("current_a", .real), .init("power_mw", .real), .init("frequency_hz", .real),
    ]

    static func statistics(_ prefix: String) -> [MigrationColumn] {
        [
            .init("\(prefix)_min", .real), .init("\(prefix)_max", .real), .init("\(prefix)_sum", .real),
            .init("\(prefix)_n", .integer), .init("\(prefix)_last", .real),
        ]
    }

    static let telemetry: [MigrationTable] = [
        MigrationTable(
            "telemetry", key: ["substation_id", "ts", "feeder_id"],
            [.init("substation_id", .text), .init("ts", .integer), .init("feeder_id", .text)] + reading
                + [.init("received_at", .integer)]),
        MigrationTable(
            "telemetry_chunks", key: ["substation_id", "feeder_id", "block_start"],
            [
                .init("substation_id", .text), .init("feeder_id", .text), .init("block_start", .integer),
                .init("first_ts", .integer), .init("last_ts", .integer), .init("points", .integer), .init("data", .blob),
            ]),
        MigrationTable(
            "telemetry_minutes", key: ["substation_id", "block_start", "feeder_id"],
            [
                .init("substation_id", .text), .init("block_start", .integer), .init("feeder_id", .text),
                .init("minutes", .integer), .init("last_minute", .integer), .init("data", .blob),
            ]),
        MigrationTable(
            "telemetry_ten_minutes", key: ["substation_id", "day_start", "feeder_id"],
            [
                .init("substation_id", .text), .init("day_start", .integer), .init("feeder_id", .text),
                .init("periods", .integer), .init("data", .blob),
            ]),
        MigrationTable(
            "telemetry_1m", key: ["substation_id", "feeder_id", "minute"],
            [.init("substation_id", .text), .init("feeder_id", .text), .init("minute", .integer), .init("last_ts", .integer)]
                + statistics("v") + statistics("i") + statistics("p") + statistics("f")),
        MigrationTable(
            "telemetry_latest", key: ["substation_id", "feeder_id"],
            [.init("substation_id", .text), .init("feeder_id", .text), .init("ts", .integer)] + reading),
        MigrationTable(
            "substations", key: ["substation_id"],
            [
                .init("substation_id", .text), .init("site_name", .text), .init("latitude", .real), .init("longitude", .real),
                .init("first_seen", .integer), .init("last_seen", .integer),
            ]),
        MigrationTable(
            "edges", key: ["edge_id"],
            [
                .init("edge_id", .text), .init("high_water_seq", .integer), .init("last_contact", .integer),
                .init("key_name", .text), .init("substations", .text), .init("health_json", .text),
            ]),
    ]

    static let operations: [MigrationTable] = [
        MigrationTable(
            "events", key: ["id"], identity: "id",
            [
                .init("id", .integer), .init("ts", .integer), .init("substation_id", .text), .init("device_id", .text),
                .init("feeder_id", .text), .init("severity", .text), .init("event_type", .text), .init("old_state", .text),
                .init("new_state", .text), .init("message", .text), .init("latitude", .real), .init("longitude", .real),
                .init("received_at", .integer),
            ]),
        MigrationTable(
            "outages", key: ["outage_id"],
            [
                .init("outage_id", .text), .init("substation_id", .text), .init("feeder_id", .text),
                .init("customers_out", .integer), .init("mw_interrupted", .real), .init("status", .text), .init("cause", .text),
                .init("region", .text), .init("etr_time", .integer), .init("latitude", .real), .init("longitude", .real),
                .init("ts", .integer), .init("active", .boolean), .init("updated_at", .integer),
            ]),
        MigrationTable(
            "scores", key: ["substation_id", "ts"],
            [
                .init("substation_id", .text), .init("ts", .integer), .init("anomaly_score", .real),
                .init("is_anomaly", .boolean), .init("z_score", .real), .init("baseline_mean", .real),
                .init("baseline_std", .real), .init("latest_value", .real), .init("model_version", .text),
            ]),
        MigrationTable(
            "audit_log", key: ["id"], identity: "id",
            [
                .init("id", .integer), .init("at", .integer), .init("actor", .text), .init("action", .text),
                .init("target", .text), .init("source_address", .text), .init("outcome", .text), .init("detail", .text),
            ]),
    ]

    static let accounts: [MigrationTable] = [
        // SQLite's users.failed_logins, first_failure_at and locked_until are unused since its
        // migration v5 moved them to login_throttle; PostgreSQL never had them.
        MigrationTable(
            "users", key: ["id"], identity: "id",
            [
                .init("id", .integer), .init("email", .text), .init("name", .text), .init("org_name", .text),
                .init("role", .text), .init("active", .boolean), .init("substations", .text),
                .init("alert_opt_in", .boolean), .init("password_hash", .text), .init("created_at", .integer),
                .init("updated_at", .integer),
            ]),
        MigrationTable(
            "sessions", key: ["id_hash"], parent: "users",
            [
                .init("id_hash", .text), .init("user_id", .integer), .init("csrf_token", .text), .init("created_at", .integer),
                .init("last_seen", .integer), .init("expires_at", .integer),
            ]),
        MigrationTable(
            "login_throttle", key: ["key"],
            [
                .init("key", .text), .init("failures", .integer), .init("first_failure_at", .integer),
                .init("locked_until", .integer), .init("denied_for", .integer), .init("suppressed", .integer),
            ]),
        MigrationTable(
            "audit_throttle", key: ["key"],
            [.init("key", .text), .init("window_start", .integer), .init("suppressed", .integer)]),
        MigrationTable(
            "api_keys", key: ["id"],
            [
                .init("id", .text), .init("name", .text), .init("secret_hash", .text), .init("scopes", .text),
                .init("substations", .text), .init("created_at", .integer), .init("revoked_at", .integer),
            ]),
    ]

    static let alerting: [MigrationTable] = [
        MigrationTable(
            "alert_log", key: ["id"], identity: "id",
            [
                .init("id", .integer), .init("decided_at", .integer), .init("kind", .text), .init("cap_group", .text),
                .init("substation_id", .text), .init("feeder_id", .text), .init("outcome", .text), .init("reason", .text),
                .init("source_ts", .integer), .init("detail", .text),
            ]),
        MigrationTable(
            "alert_cooldowns", key: ["kind", "source"],
            [.init("kind", .text), .init("source", .text), .init("last_sent", .integer)]),
        MigrationTable(
            "alert_trips", key: ["substation_id", "feeder_id"],
            [.init("substation_id", .text), .init("feeder_id", .text), .init("sent_at", .integer)]),
        // Alerts not decided yet: the new hub decides them (a claim the old hub held has expired).
        MigrationTable(
            "alert_pending", key: ["event_id"],
            [.init("event_id", .integer), .init("created_at", .integer), .init("claimed_until", .integer)]),
        MigrationTable(
            "alert_pending_scores", key: ["substation_id", "ts"],
            [.init("substation_id", .text), .init("ts", .integer), .init("created_at", .integer), .init("claimed_until", .integer)]),
        MigrationTable(
            "alert_outbox", key: ["id"], identity: "id",
            [
                .init("id", .integer), .init("log_id", .integer), .init("recipients", .text), .init("subject", .text),
                .init("body", .text), .init("created_at", .integer), .init("attempts", .integer),
                .init("next_attempt_at", .integer), .init("delivered_at", .integer), .init("last_error", .text),
            ]),
        MigrationTable(
            "alarms", key: ["id"], identity: "id",
            [
                .init("id", .integer), .init("type", .text), .init("substation_id", .text), .init("point", .text),
                .init("feeder_id", .text), .init("device_id", .text), .init("priority", .text), .init("state", .text),
                .init("active", .boolean), .init("raised_at", .integer), .init("last_raised_at", .integer),
                .init("raise_count", .integer), .init("returned_at", .integer), .init("acknowledged_at", .integer),
                .init("acknowledged_by", .text), .init("acknowledge_comment", .text), .init("cleared_at", .integer),
                .init("shelved_until", .integer), .init("shelved_by", .text), .init("shelve_reason", .text),
                .init("out_of_service_by", .text), .init("out_of_service_reason", .text), .init("value", .real),
                .init("message", .text), .init("updated_at", .integer),
            ]),
        MigrationTable(
            "alarm_history", key: ["id"], identity: "id", parent: "alarms",
            [
                .init("id", .integer), .init("alarm_id", .integer), .init("at", .integer), .init("recorded_at", .integer),
                .init("event", .text), .init("state", .text), .init("actor", .text), .init("comment", .text),
                .init("annunciated", .boolean),
            ]),
    ]
}
