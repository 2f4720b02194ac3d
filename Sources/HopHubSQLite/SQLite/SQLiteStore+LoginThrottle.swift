import HopHubCore
import GRDB
import HopProtocol

extension SQLiteStore: LoginThrottleStore {
    static func throttleRow(_ key: String, _ db: Database) throws -> LoginThrottleRow {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM login_throttle WHERE key = ?", arguments: [key]) else {
            return LoginThrottleRow()
        }
        return LoginThrottleRow(
            failures: row["failures"], firstFailureAt: row["first_failure_at"], lockedUntil: row["locked_until"],
            deniedFor: row["denied_for"], suppressed: row["suppressed"])
    }

    static func save(_ key: String, _ t: LoginThrottleRow, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO login_throttle (key, failures, first_failure_at, locked_until, denied_for, suppressed)
                VALUES (?,?,?,?,?,?)
                ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, first_failure_at = excluded.first_failure_at,
                    locked_until = excluded.locked_until, denied_for = excluded.denied_for, suppressed = excluded.suppressed
                """,
            arguments: [key, t.failures, t.firstFailureAt, t.lockedUntil, t.deniedFor, t.suppressed])
    }

    public func reserveLoginAttempt(
        _ keys: LoginThrottleKeys, now: Int64, limits: LoginLimits,
        denied: @escaping @Sendable (LoginLock, Int) -> AuditEntry
    ) async throws -> LoginGate {
        try await pool.write { db in
            try Self.forgetIdle(now: now, windowMs: limits.windowMs, db)
            let account = try Self.throttleRow(keys.account, db)
            let address = try keys.address.map { try Self.throttleRow($0, db) }
            let decision = LoginThrottleRules.reserve(keys, account: account, address: address, now: now, limits: limits)
            if let (lock, suppressed) = decision.deniedAudit { try Self.append(denied(lock, suppressed), db) }
            for (key, row) in decision.rows { try Self.save(key, row, db) }
            return decision.gate
        }
    }

    /// Deletes rows that no longer matter — not locked, window over, nothing left to report — so
    /// the emails an attacker makes up do not pile up (their count is capped by the address lock).
    static func forgetIdle(now: Int64, windowMs: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM login_throttle
                WHERE (locked_until IS NULL OR locked_until <= ?) AND (first_failure_at IS NULL OR first_failure_at <= ?)
                    AND suppressed = 0
                """,
            arguments: [now, now - windowMs])
    }

    public func releaseLoginAttempt(_ reservation: LoginReservation, now: Int64) async throws -> (LoginLock, Int64)? {
        try await pool.write { db in
            let account = try Self.throttleRow(reservation.keys.account, db)
            let address = try reservation.keys.address.map { try Self.throttleRow($0, db) }
            let decision = LoginThrottleRules.release(reservation, account: account, address: address, now: now)
            for (key, row) in decision.rows { try Self.save(key, row, db) }
            return decision.held
        }
    }

    public func loginThrottle(_ key: String) async throws -> (failures: Int, lockedUntil: Int64?)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT failures, locked_until FROM login_throttle WHERE key = ?", arguments: [key])
                .map { (failures: $0["failures"], lockedUntil: $0["locked_until"]) }
        }
    }

    public func clearLoginThrottle(_ key: String, audit: AuditEntry) async throws {
        try await pool.write { db in
            try Self.clearThrottle(key, db)
            try Self.append(audit, db)
        }
    }

    /// Resets a key's count and lock inside a caller's transaction (the suppressed count is kept for the next row).
    static func clearThrottle(_ key: String, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE login_throttle SET failures = 0, first_failure_at = NULL, locked_until = NULL WHERE key = ?",
            arguments: [key])
    }

    @discardableResult
    public func appendThrottledAudit(_ entry: AuditEntry, key: String, windowMs: Int64) async throws -> Bool {
        try await pool.write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT window_start, suppressed FROM audit_throttle WHERE key = ?", arguments: [key])
            if let row, entry.at - (row["window_start"] as Int64) < windowMs {
                try db.execute(sql: "UPDATE audit_throttle SET suppressed = suppressed + 1 WHERE key = ?", arguments: [key])
                return false
            }
            try Self.append(LoginThrottleRules.throttledAudit(entry, suppressedBefore: row?["suppressed"] ?? 0), db)
            try db.execute(
                sql: """
                    INSERT INTO audit_throttle (key, window_start, suppressed) VALUES (?, ?, 0)
                    ON CONFLICT(key) DO UPDATE SET window_start = excluded.window_start, suppressed = 0
                    """,
                arguments: [key, entry.at])
            return true
        }
    }
}
