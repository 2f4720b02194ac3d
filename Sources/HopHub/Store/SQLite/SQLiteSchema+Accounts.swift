import GRDB

extension SQLiteSchema {
    /// Migration `v4-accounts`: portal users, their sessions (only the SHA-256 of each id) and the
    /// per-address failed-login counters; docs/accounts.md.
    static func accounts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL COLLATE NOCASE UNIQUE,
                name TEXT NOT NULL,
                org_name TEXT NOT NULL DEFAULT '',
                role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'executive')),
                active INTEGER NOT NULL DEFAULT 1,
                substations TEXT NOT NULL,
                alert_opt_in INTEGER NOT NULL DEFAULT 0,
                password_hash TEXT NOT NULL,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                first_failure_at INTEGER,
                locked_until INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );

            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                last_seen INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX sessions_user ON sessions(user_id);
            CREATE INDEX sessions_expires ON sessions(expires_at);

            CREATE TABLE login_address_failures (
                address TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                first_failure_at INTEGER NOT NULL,
                locked_until INTEGER
            ) WITHOUT ROWID;
            """)
    }
}
