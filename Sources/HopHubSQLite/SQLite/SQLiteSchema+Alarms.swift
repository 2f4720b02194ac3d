import HopHubCore
import GRDB

extension SQLiteSchema {
    /// Migration `v11-alarms`: stored alarms and their transitions. docs/alarms.md describes both.
    /// At most one alarm per (type, substation, point) is open (not cleared): the partial unique index.
    static func alarms(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE alarms (
                id INTEGER PRIMARY KEY,
                type TEXT NOT NULL,
                substation_id TEXT NOT NULL,
                point TEXT NOT NULL DEFAULT '',
                feeder_id TEXT,
                device_id TEXT,
                priority TEXT NOT NULL,
                state TEXT NOT NULL,
                active INTEGER NOT NULL,
                raised_at INTEGER NOT NULL,
                last_raised_at INTEGER NOT NULL,
                raise_count INTEGER NOT NULL,
                returned_at INTEGER,
                acknowledged_at INTEGER,
                acknowledged_by TEXT,
                acknowledge_comment TEXT,
                cleared_at INTEGER,
                shelved_until INTEGER,
                shelved_by TEXT,
                shelve_reason TEXT,
                out_of_service_by TEXT,
                out_of_service_reason TEXT,
                value REAL,
                message TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX alarms_open ON alarms(type, substation_id, point) WHERE state <> 'cleared';
            CREATE INDEX alarms_state ON alarms(state, substation_id);
            CREATE INDEX alarms_acknowledged ON alarms(acknowledged_at) WHERE acknowledged_at IS NOT NULL;

            CREATE TABLE alarm_history (
                id INTEGER PRIMARY KEY,
                alarm_id INTEGER NOT NULL REFERENCES alarms(id) ON DELETE CASCADE,
                at INTEGER NOT NULL,
                recorded_at INTEGER NOT NULL,
                event TEXT NOT NULL,
                state TEXT NOT NULL,
                actor TEXT,
                comment TEXT,
                annunciated INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX alarm_history_alarm ON alarm_history(alarm_id, id);
            CREATE INDEX alarm_history_recorded ON alarm_history(recorded_at);
            """)
    }
}
