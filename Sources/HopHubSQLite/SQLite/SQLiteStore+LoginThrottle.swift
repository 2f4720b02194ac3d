import HopHubCore
import GRDB
import HopProtocol

extension SQLiteStore: LoginThrottleStore {
    /// One `login_throttle` row.
    struct ThrottleRow {
        var failures = 0
        var firstFailureAt: Int64?
        var lockedUntil: Int64?
        var deniedFor: Int64?
        var suppressed = 0

        func locked(at now: Int64) -> Int64? { lockedUntil.flatMap { $0 > now ? $0 : nil } }
    }

    static func throttleRow(_ key: String, _ db: Database) throws -> ThrottleRow {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM login_throttle WHERE key = ?", arguments: [key]) else {
            return ThrottleRow()
        }
        return ThrottleRow(
            failures: row["failures"], firstFailureAt: row["first_failure_at"], lockedUntil: row["locked_until"],
            deniedFor: row["denied_for"], suppressed: row["suppressed"])
    }

    static func save(_ key: String, _ t: ThrottleRow, _ db: Database) throws {
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
            var account = try Self.throttleRow(keys.account, db)
            var address = try keys.address.map { try Self.throttleRow($0, db) }
            // Locked: one `denied` row per key and lock; the rest are only counted.
            let lock: (LoginLock, String, Int64)? =
                account.locked(at: now).map { (.account, keys.account, $0) }
                ?? address?.locked(at: now).map { (.address, keys.address!, $0) }
            if let (which, key, until) = lock {
                var row = which == .account ? account : address!
                let audited = row.deniedFor != until
                if audited {
                    try Self.append(denied(which, row.suppressed), db)
                    row.deniedFor = until
                    row.suppressed = 0
                } else {
                    row.suppressed += 1
                }
                try Self.save(key, row, db)
                return .locked(which, until: until, audited: audited)
            }
            var reservation = LoginReservation(keys: keys, accountLock: nil, addressLock: nil, suppressedEarlier: 0)
            reservation.accountLock = Self.count(&account, now: now, max: limits.maxPerAccount, limits: limits)
            reservation.suppressedEarlier += account.suppressed
            account.suppressed = 0
            try Self.save(keys.account, account, db)
            if let key = keys.address, var row = address {
                reservation.addressLock = Self.count(&row, now: now, max: limits.maxPerAddress, limits: limits)
                reservation.suppressedEarlier += row.suppressed
                row.suppressed = 0
                address = row
                try Self.save(key, row, db)
            }
            return .proceed(reservation)
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

    /// Counts one attempt; locks (and restarts the count) when it reaches `max`, returning the lock end.
    static func count(_ row: inout ThrottleRow, now: Int64, max: Int, limits: LoginLimits) -> Int64? {
        let (count, first) = nextFailure(row.failures, row.firstFailureAt, now: now, windowMs: limits.windowMs)
        guard count >= max else {
            (row.failures, row.firstFailureAt) = (count, first)
            return nil
        }
        (row.failures, row.firstFailureAt, row.lockedUntil) = (0, nil, now + limits.lockMs)
        return now + limits.lockMs
    }

    public func releaseLoginAttempt(_ reservation: LoginReservation, now: Int64) async throws -> (LoginLock, Int64)? {
        try await pool.write { db in
            var account = try Self.throttleRow(reservation.keys.account, db)
            var address = try reservation.keys.address.map { try Self.throttleRow($0, db) }
            if let until = account.locked(at: now), until != reservation.accountLock { return (.account, until) }
            if let until = address?.locked(at: now), until != reservation.addressLock { return (.address, until) }
            (account.failures, account.firstFailureAt, account.lockedUntil) = (0, nil, nil)
            try Self.save(reservation.keys.account, account, db)
            if let key = reservation.keys.address, var row = address {
                if reservation.addressLock != nil { row.lockedUntil = nil } else { row.failures = max(0, row.failures - 1) }
                address = row
                try Self.save(key, row, db)
            }
            return nil
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
            let suppressed: Int = row?["suppressed"] ?? 0
            var written = entry
            if suppressed > 0 {
                written.detail += "; \(suppressed) more like this in the previous window(s) were not logged one by one"
            }
            try Self.append(written, db)
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
