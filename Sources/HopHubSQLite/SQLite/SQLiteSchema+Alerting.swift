import HopHubCore
import GRDB

extension SQLiteSchema {
    /// Migration `v2-scoring-alerting`: the scorer's lease and the alert engine's durable state.
    /// docs/alerting.md describes each table.
    static func alerting(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE job_leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE alert_log (
                id INTEGER PRIMARY KEY,
                decided_at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                cap_group TEXT NOT NULL,
                substation_id TEXT,
                feeder_id TEXT,
                outcome TEXT NOT NULL,
                reason TEXT,
                source_ts INTEGER NOT NULL,
                detail TEXT NOT NULL
            );
            CREATE INDEX alert_log_cap ON alert_log(cap_group, outcome, decided_at);
            CREATE INDEX alert_log_decided ON alert_log(decided_at);

            CREATE TABLE alert_cooldowns (
                kind TEXT NOT NULL,
                source TEXT NOT NULL,
                last_sent INTEGER NOT NULL,
                PRIMARY KEY (kind, source)
            ) WITHOUT ROWID;

            CREATE TABLE alert_trips (
                substation_id TEXT NOT NULL,
                feeder_id TEXT NOT NULL,
                sent_at INTEGER NOT NULL,
                PRIMARY KEY (substation_id, feeder_id)
            ) WITHOUT ROWID;

            CREATE TABLE alert_outbox (
                id INTEGER PRIMARY KEY,
                log_id INTEGER NOT NULL,
                recipients TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                delivered_at INTEGER,
                last_error TEXT
            );
            CREATE INDEX alert_outbox_due ON alert_outbox(delivered_at, next_attempt_at);
            """)
    }
}
