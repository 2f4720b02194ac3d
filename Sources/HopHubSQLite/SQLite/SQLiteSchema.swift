import HopHubCore
import GRDB

/// The hub's SQLite schema, as ordered migrations. docs/hub-storage.md describes each table.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: """
                CREATE TABLE telemetry (
                    ts INTEGER NOT NULL,
                    substation_id TEXT NOT NULL,
                    feeder_id TEXT NOT NULL,
                    device_id TEXT,
                    site_name TEXT,
                    latitude REAL,
                    longitude REAL,
                    voltage_kv REAL,
                    current_a REAL,
                    power_mw REAL,
                    frequency_hz REAL,
                    received_at INTEGER NOT NULL
                );
                CREATE INDEX telemetry_substation_ts ON telemetry(substation_id, ts);

                CREATE TABLE telemetry_1m (
                    substation_id TEXT NOT NULL,
                    feeder_id TEXT NOT NULL,
                    minute INTEGER NOT NULL,
                    last_ts INTEGER NOT NULL,
                    v_min REAL, v_max REAL, v_sum REAL NOT NULL DEFAULT 0, v_n INTEGER NOT NULL DEFAULT 0, v_last REAL,
                    i_min REAL, i_max REAL, i_sum REAL NOT NULL DEFAULT 0, i_n INTEGER NOT NULL DEFAULT 0, i_last REAL,
                    p_min REAL, p_max REAL, p_sum REAL NOT NULL DEFAULT 0, p_n INTEGER NOT NULL DEFAULT 0, p_last REAL,
                    f_min REAL, f_max REAL, f_sum REAL NOT NULL DEFAULT 0, f_n INTEGER NOT NULL DEFAULT 0, f_last REAL,
                    PRIMARY KEY (substation_id, feeder_id, minute)
                ) WITHOUT ROWID;
                CREATE INDEX telemetry_1m_minute ON telemetry_1m(minute);

                CREATE TABLE telemetry_latest (
                    substation_id TEXT NOT NULL,
                    feeder_id TEXT NOT NULL,
                    ts INTEGER NOT NULL,
                    device_id TEXT, site_name TEXT, latitude REAL, longitude REAL,
                    voltage_kv REAL, current_a REAL, power_mw REAL, frequency_hz REAL,
                    PRIMARY KEY (substation_id, feeder_id)
                ) WITHOUT ROWID;

                CREATE TABLE substations (
                    substation_id TEXT PRIMARY KEY,
                    site_name TEXT, latitude REAL, longitude REAL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    ts INTEGER NOT NULL,
                    substation_id TEXT,
                    device_id TEXT, feeder_id TEXT,
                    severity TEXT NOT NULL, event_type TEXT NOT NULL,
                    old_state TEXT, new_state TEXT, message TEXT,
                    latitude REAL, longitude REAL,
                    received_at INTEGER NOT NULL
                );
                CREATE INDEX events_ts ON events(ts);

                CREATE TABLE outages (
                    outage_id TEXT PRIMARY KEY,
                    substation_id TEXT,
                    feeder_id TEXT,
                    customers_out INTEGER, mw_interrupted REAL,
                    status TEXT NOT NULL, cause TEXT, region TEXT, etr_time INTEGER,
                    latitude REAL, longitude REAL,
                    ts INTEGER NOT NULL,
                    active INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX outages_active ON outages(active, ts);

                CREATE TABLE scores (
                    ts INTEGER NOT NULL,
                    substation_id TEXT NOT NULL,
                    anomaly_score REAL NOT NULL, is_anomaly INTEGER NOT NULL, z_score REAL NOT NULL,
                    baseline_mean REAL NOT NULL, baseline_std REAL NOT NULL, latest_value REAL NOT NULL,
                    model_version TEXT NOT NULL,
                    PRIMARY KEY (substation_id, ts)
                ) WITHOUT ROWID;
                CREATE INDEX scores_ts ON scores(ts);

                CREATE TABLE edges (
                    edge_id TEXT PRIMARY KEY,
                    high_water_seq INTEGER NOT NULL,
                    last_contact INTEGER NOT NULL,
                    key_name TEXT NOT NULL,
                    substations TEXT NOT NULL DEFAULT '',
                    health_json TEXT
                ) WITHOUT ROWID;

                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    substations TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX api_keys_active_name ON api_keys(name) WHERE revoked_at IS NULL;
                """)
        }
        migrator.registerMigration("v2-scoring-alerting") { db in try SQLiteSchema.alerting(db) }
        migrator.registerMigration("v3-audit") { db in try SQLiteSchema.audit(db) }
        migrator.registerMigration("v4-accounts") { db in try SQLiteSchema.accounts(db) }
        migrator.registerMigration("v5-login-throttle") { db in try SQLiteSchema.loginThrottle(db) }
        migrator.registerMigration("v6-telemetry-chunks") { db in try SQLiteSchema.chunks(db) }
        // Retention deletes rollups per series along the primary key; the index on `minute` alone
        // cost 0.5 bytes per reading at 1 Hz.
        migrator.registerMigration("v7-rollup-minute-index") { db in try db.execute(sql: "DROP INDEX telemetry_1m_minute") }
        migrator.registerMigration("v8-telemetry-minutes") { db in try SQLiteSchema.minutes(db) }
        migrator.registerMigration("v11-alarms") { db in try SQLiteSchema.alarms(db) }
        migrator.registerMigration("v12-clustered-head") { db in try SQLiteSchema.clusteredHead(db) }
        migrator.registerMigration("v13-ten-minute-statistics") { db in try SQLiteSchema.tenMinutes(db) }
        migrator.registerMigration("v14-score-peaks") { db in try SQLiteSchema.scorePeaks(db) }
        migrator.registerMigration("v15-alert-pending") { db in try SQLiteSchema.alertPending(db) }
        return migrator
    }
}
