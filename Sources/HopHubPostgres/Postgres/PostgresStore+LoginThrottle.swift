import HopHubCore
import Logging
import PostgresNIO

/// Failed-login counters per key (`login_throttle`) and rate-limited audit rows (`audit_throttle`),
/// with the same rules as SQLite's. Every change of `login_throttle` first takes one
/// transaction-scoped advisory lock, so replicas count concurrent attempts one after the other,
/// as SQLite's single writer does: none is lost, and a lock reached on one replica holds on all.
extension PostgresStore: LoginThrottleStore {
    /// One `login_throttle` row.
    struct ThrottleRow {
        var failures = 0
        var firstFailureAt: Int64?
        var lockedUntil: Int64?
        var deniedFor: Int64?
        var suppressed = 0

        func locked(at now: Int64) -> Int64? { lockedUntil.flatMap { $0 > now ? $0 : nil } }
    }

    static func throttleRow(_ key: String, _ c: PostgresConnection, logger: Logger) async throws -> ThrottleRow {
        let rows = try await c.rows(
            "SELECT failures, first_failure_at, locked_until, denied_for, suppressed FROM login_throttle WHERE key = \(key)", logger: logger)
        guard let row = rows.first else { return ThrottleRow() }
        let r = try row.decode((Int32, Int64?, Int64?, Int64?, Int32).self)
        return ThrottleRow(failures: Int(r.0), firstFailureAt: r.1, lockedUntil: r.2, deniedFor: r.3, suppressed: Int(r.4))
    }

    static func save(_ key: String, _ t: ThrottleRow, _ c: PostgresConnection, logger: Logger) async throws {
        _ = try await c.rows(
            """
            INSERT INTO login_throttle (key, failures, first_failure_at, locked_until, denied_for, suppressed)
            VALUES (\(key), \(Int32(t.failures)), \(t.firstFailureAt), \(t.lockedUntil), \(t.deniedFor), \(Int32(t.suppressed)))
            ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, first_failure_at = excluded.first_failure_at,
              locked_until = excluded.locked_until, denied_for = excluded.denied_for, suppressed = excluded.suppressed
            """, logger: logger)
    }

    public func reserveLoginAttempt(
        _ keys: LoginThrottleKeys, now: Int64, limits: LoginLimits,
        denied: @escaping @Sendable (LoginLock, Int) -> AuditEntry
    ) async throws -> LoginGate {
        let logger = self.logger
        return try await transaction { c in
            try await Self.lock(c, .loginThrottle, "", logger: logger)
            try await Self.forgetIdle(now: now, windowMs: limits.windowMs, c, logger: logger)
            var account = try await Self.throttleRow(keys.account, c, logger: logger)
            var address: ThrottleRow? = nil
            if let key = keys.address { address = try await Self.throttleRow(key, c, logger: logger) }
            // Locked: one `denied` row per key and lock; the rest are only counted.
            let lock: (LoginLock, String, Int64)? =
                account.locked(at: now).map { (.account, keys.account, $0) }
                ?? address?.locked(at: now).map { (.address, keys.address!, $0) }
            if let (which, key, until) = lock {
                var row = which == .account ? account : address!
                let audited = row.deniedFor != until
                if audited {
                    try await Self.append(denied(which, row.suppressed), c, logger: logger)
                    row.deniedFor = until
                    row.suppressed = 0
                } else {
                    row.suppressed += 1
                }
                try await Self.save(key, row, c, logger: logger)
                return .locked(which, until: until, audited: audited)
            }
            var reservation = LoginReservation(keys: keys, accountLock: nil, addressLock: nil, suppressedEarlier: 0)
            reservation.accountLock = Self.count(&account, now: now, max: limits.maxPerAccount, limits: limits)
            reservation.suppressedEarlier += account.suppressed
            account.suppressed = 0
            try await Self.save(keys.account, account, c, logger: logger)
            if let key = keys.address, var row = address {
                reservation.addressLock = Self.count(&row, now: now, max: limits.maxPerAddress, limits: limits)
                reservation.suppressedEarlier += row.suppressed
                row.suppressed = 0
                address = row
                try await Self.save(key, row, c, logger: logger)
            }
            return .proceed(reservation)
        }
    }

    /// Deletes rows that no longer matter — not locked, window over, nothing left to report — so
    /// the emails an attacker makes up do not pile up (their count is capped by the address lock).
    static func forgetIdle(now: Int64, windowMs: Int64, _ c: PostgresConnection, logger: Logger) async throws {
        _ = try await c.rows(
            """
            DELETE FROM login_throttle
            WHERE (locked_until IS NULL OR locked_until <= \(now)) AND (first_failure_at IS NULL OR first_failure_at <= \(now - windowMs))
              AND suppressed = 0
            """, logger: logger)
    }

    /// Counts one attempt; locks (and restarts the count) when it reaches `max`, returning the lock end.
    static func count(_ row: inout ThrottleRow, now: Int64, max: Int, limits: LoginLimits) -> Int64? {
        var (count, first) = (1, now)
        if let start = row.firstFailureAt, now - start < limits.windowMs { (count, first) = (row.failures + 1, start) }
        guard count >= max else {
            (row.failures, row.firstFailureAt) = (count, first)
            return nil
        }
        (row.failures, row.firstFailureAt, row.lockedUntil) = (0, nil, now + limits.lockMs)
        return now + limits.lockMs
    }

    public func releaseLoginAttempt(_ reservation: LoginReservation, now: Int64) async throws -> (LoginLock, Int64)? {
        let logger = self.logger
        return try await transaction { c in
            try await Self.lock(c, .loginThrottle, "", logger: logger)
            var account = try await Self.throttleRow(reservation.keys.account, c, logger: logger)
            var address: ThrottleRow? = nil
            if let key = reservation.keys.address { address = try await Self.throttleRow(key, c, logger: logger) }
            if let until = account.locked(at: now), until != reservation.accountLock { return (.account, until) }
            if let until = address?.locked(at: now), until != reservation.addressLock { return (.address, until) }
            (account.failures, account.firstFailureAt, account.lockedUntil) = (0, nil, nil)
            try await Self.save(reservation.keys.account, account, c, logger: logger)
            if let key = reservation.keys.address, var row = address {
                if reservation.addressLock != nil { row.lockedUntil = nil } else { row.failures = max(0, row.failures - 1) }
                try await Self.save(key, row, c, logger: logger)
            }
            return nil
        }
    }

    public func loginThrottle(_ key: String) async throws -> (failures: Int, lockedUntil: Int64?)? {
        let logger = self.logger
        return try await read { c in
            try await c.rows("SELECT failures, locked_until FROM login_throttle WHERE key = \(key)", logger: logger).first.map { row in
                let (failures, lockedUntil) = try row.decode((Int32, Int64?).self)
                return (failures: Int(failures), lockedUntil: lockedUntil)
            }
        }
    }

    public func clearLoginThrottle(_ key: String, audit: AuditEntry) async throws {
        let logger = self.logger
        try await transaction { c in
            try await Self.lock(c, .loginThrottle, "", logger: logger)
            try await Self.clearThrottle(key, c, logger: logger)
            try await Self.append(audit, c, logger: logger)
        }
    }

    /// Resets a key's count and lock inside a caller's transaction (the suppressed count is kept for the next row).
    static func clearThrottle(_ key: String, _ c: PostgresConnection, logger: Logger) async throws {
        _ = try await c.rows(
            "UPDATE login_throttle SET failures = 0, first_failure_at = NULL, locked_until = NULL WHERE key = \(key)", logger: logger)
    }

    @discardableResult
    public func appendThrottledAudit(_ entry: AuditEntry, key: String, windowMs: Int64) async throws -> Bool {
        let logger = self.logger
        return try await transaction { c in
            try await Self.lock(c, .auditThrottle, key, logger: logger)
            let row = try await c.rows("SELECT window_start, suppressed FROM audit_throttle WHERE key = \(key)", logger: logger).first
                .map { try $0.decode((Int64, Int32).self) }
            if let row, entry.at - row.0 < windowMs {
                _ = try await c.rows("UPDATE audit_throttle SET suppressed = suppressed + 1 WHERE key = \(key)", logger: logger)
                return false
            }
            let suppressed = Int(row?.1 ?? 0)
            var written = entry
            if suppressed > 0 {
                written.detail += "; \(suppressed) more like this in the previous window(s) were not logged one by one"
            }
            try await Self.append(written, c, logger: logger)
            _ = try await c.rows(
                """
                INSERT INTO audit_throttle (key, window_start, suppressed) VALUES (\(key), \(entry.at), 0)
                ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, suppressed = 0
                """, logger: logger)
            return true
        }
    }
}
