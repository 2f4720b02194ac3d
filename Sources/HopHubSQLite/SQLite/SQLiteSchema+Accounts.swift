import HopHubCore
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

extension SQLiteSchema {
    /// Migration `v5-login-throttle`: one failed-login counter per key — `account:<normalized email>`
    /// for every email tried, known or not (so unknown emails lock exactly like real ones), and
    /// `address:<IPv4 or IPv6 /64>` — with the lock and the suppression of repeated `denied` audit rows
    /// (`denied_for` is the lock end a row was written for; `suppressed` counts the rows left out).
    /// `audit_throttle` rate-limits other refusals (403 on /api/admin) per key and window. The old
    /// counters are carried over; `users.failed_logins/first_failure_at/locked_until` are unused from
    /// now on. Admins always have every substation (docs/accounts.md): limited admin rows are widened,
    /// each with an audit row.
    static func loginThrottle(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE login_throttle (
                key TEXT PRIMARY KEY,
                failures INTEGER NOT NULL DEFAULT 0,
                first_failure_at INTEGER,
                locked_until INTEGER,
                denied_for INTEGER,
                suppressed INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            INSERT INTO login_throttle (key, failures, first_failure_at, locked_until)
                SELECT 'account:' || lower(email), failed_logins, first_failure_at, locked_until FROM users
                WHERE failed_logins > 0 OR locked_until IS NOT NULL;
            INSERT INTO login_throttle (key, failures, first_failure_at, locked_until)
                SELECT 'address:' || address, failures, first_failure_at, locked_until FROM login_address_failures;
            DROP TABLE login_address_failures;

            CREATE TABLE audit_throttle (
                key TEXT PRIMARY KEY,
                window_start INTEGER NOT NULL,
                suppressed INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;

            INSERT INTO audit_log (at, actor, action, target, source_address, outcome, detail)
                SELECT CAST(strftime('%s','now') AS INTEGER) * 1000, 'migration v5', 'user.grant', email, NULL, 'success',
                    'substations ' || substations || '→* (the admin role always has every substation)'
                FROM users WHERE role = 'admin' AND substations <> '*';
            UPDATE users SET substations = '*' WHERE role = 'admin' AND substations <> '*';
            """)
    }
}
