import HopHubCore
import GRDB

extension SQLiteSchema {
    /// Migration `v3-audit`: the append-only audit log. Triggers make UPDATE and DELETE fail, so
    /// neither a bug nor retention can rewrite history; docs/audit.md.
    static func audit(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT,
                source_address TEXT,
                outcome TEXT NOT NULL,
                detail TEXT NOT NULL
            );
            CREATE INDEX audit_log_at ON audit_log(at);
            CREATE INDEX audit_log_actor ON audit_log(actor, at);
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            """)
    }
}
