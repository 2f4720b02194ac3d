import GRDB
import HopHubCore

extension SQLiteSchema {
    /// Migration `v15-alert-pending`: causes waiting for their alert decision — stored trips and
    /// restores (`alert_pending`, written with the event by ingest) and ANOMALY scores
    /// (`alert_pending_scores`, written with the scorer's pass) — each deleted with its decision
    /// (docs/hub-storage.md, "Alert decisions"). `claimed_until` is 0 until a decider claims the row.
    static func alertPending(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE alert_pending (
                event_id INTEGER PRIMARY KEY,
                created_at INTEGER NOT NULL,
                claimed_until INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE alert_pending_scores (
                substation_id TEXT NOT NULL,
                ts INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                claimed_until INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (substation_id, ts)
            ) WITHOUT ROWID;
            """)
    }
}
