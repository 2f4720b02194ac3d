import HopHubCore
import Logging
import PostgresNIO

/// Failed-login counters per key (`login_throttle`) and rate-limited audit rows (`audit_throttle`),
/// with the same rules as SQLite's. Every change of `login_throttle` first takes one
/// transaction-scoped advisory lock, so replicas count concurrent attempts one after the other,
/// as SQLite's single writer does: none is lost, and a lock reached on one replica holds on all.
extension PostgresStore: LoginThrottleStore {
    static func throttleRow(_ key: String, _ c: PostgresConnection, logger: Logger) async throws -> LoginThrottleRow {
        let rows = try await c.rows(
            "SELECT failures, first_failure_at, locked_until, denied_for, suppressed FROM login_throttle WHERE key = \(key)", logger: logger)
        guard let row = rows.first else { return LoginThrottleRow() }
        let r = try row.decode((Int32, Int64?, Int64?, Int64?, Int32).self)
        return LoginThrottleRow(failures: Int(r.0), firstFailureAt: r.1, lockedUntil: r.2, deniedFor: r.3, suppressed: Int(r.4))
    }

    static func save(_ key: String, _ t: LoginThrottleRow, _ c: PostgresConnection, logger: Logger) async throws {
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
            let account = try await Self.throttleRow(keys.account, c, logger: logger)
            var address: LoginThrottleRow? = nil
            if let key = keys.address { address = try await Self.throttleRow(key, c, logger: logger) }
            let decision = LoginThrottleRules.reserve(keys, account: account, address: address, now: now, limits: limits)
            if let (lock, suppressed) = decision.deniedAudit { try await Self.append(denied(lock, suppressed), c, logger: logger) }
            for (key, row) in decision.rows { try await Self.save(key, row, c, logger: logger) }
            return decision.gate
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

    public func releaseLoginAttempt(_ reservation: LoginReservation, now: Int64) async throws -> (LoginLock, Int64)? {
        let logger = self.logger
        return try await transaction { c in
            try await Self.lock(c, .loginThrottle, "", logger: logger)
            let account = try await Self.throttleRow(reservation.keys.account, c, logger: logger)
            var address: LoginThrottleRow? = nil
            if let key = reservation.keys.address { address = try await Self.throttleRow(key, c, logger: logger) }
            let decision = LoginThrottleRules.release(reservation, account: account, address: address, now: now)
            for (key, row) in decision.rows { try await Self.save(key, row, c, logger: logger) }
            return decision.held
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
            try await Self.append(LoginThrottleRules.throttledAudit(entry, suppressedBefore: Int(row?.1 ?? 0)), c, logger: logger)
            _ = try await c.rows(
                """
                INSERT INTO audit_throttle (key, window_start, suppressed) VALUES (\(key), \(entry.at), 0)
                ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, suppressed = 0
                """, logger: logger)
            return true
        }
    }
}
