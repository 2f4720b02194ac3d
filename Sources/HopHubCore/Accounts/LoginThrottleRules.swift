import HopProtocol

/// One key's failed-login counters, as every store keeps them (`login_throttle`).
public struct LoginThrottleRow: Sendable, Hashable {
    public var failures = 0
    public var firstFailureAt: Int64?
    public var lockedUntil: Int64?
    /// The lock end a `denied` audit row was written for (one per lock).
    public var deniedFor: Int64?
    /// `denied` attempts counted but not written one by one.
    public var suppressed = 0

    public init(failures: Int = 0, firstFailureAt: Int64? = nil, lockedUntil: Int64? = nil, deniedFor: Int64? = nil, suppressed: Int = 0) {
        self.failures = failures
        self.firstFailureAt = firstFailureAt
        self.lockedUntil = lockedUntil
        self.deniedFor = deniedFor
        self.suppressed = suppressed
    }

    /// The lock end when the key is locked at `now`.
    public func locked(at now: Int64) -> Int64? { lockedUntil.flatMap { $0 > now ? $0 : nil } }

    /// Counts one attempt; locks (and restarts the count) when it reaches `max`, returning the lock end.
    mutating func countAttempt(now: Int64, max: Int, limits: LoginLimits) -> Int64? {
        var (count, first) = (1, now)
        if let start = firstFailureAt, now - start < limits.windowMs { (count, first) = (failures + 1, start) }
        guard count >= max else {
            (failures, firstFailureAt) = (count, first)
            return nil
        }
        (failures, firstFailureAt, lockedUntil) = (0, nil, now + limits.lockMs)
        return now + limits.lockMs
    }
}

/// What a store does for one reserved attempt, in its one transaction: write the `denied` audit
/// row when asked, save the rows, answer the gate.
public struct LoginReserveDecision: Sendable {
    public var gate: LoginGate
    /// The lock and the count of earlier suppressed denials, when a `denied` row is to be written.
    public var deniedAudit: (lock: LoginLock, suppressedEarlier: Int)?
    /// The rows to save, by key.
    public var rows: [(key: String, row: LoginThrottleRow)]
}

/// What a store does after a correct password: when `held` (a lock set by another attempt), nothing
/// else; otherwise save the rows.
public struct LoginReleaseDecision: Sendable {
    public var held: (lock: LoginLock, until: Int64)?
    public var rows: [(key: String, row: LoginThrottleRow)]
}

/// The login throttle's rules over the rows of an attempt's keys, the same for every store: the
/// store reads the rows, asks these, and writes what they answer (`LoginThrottleStore`'s contract).
public enum LoginThrottleRules {
    /// Refuses when the account or address key is locked (one `denied` audit row per key and lock,
    /// the rest counted as suppressed), else counts the attempt against both keys.
    public static func reserve(
        _ keys: LoginThrottleKeys, account: LoginThrottleRow, address: LoginThrottleRow?, now: Int64, limits: LoginLimits
    ) -> LoginReserveDecision {
        let lock: (LoginLock, String, Int64)? =
            account.locked(at: now).map { (.account, keys.account, $0) }
            ?? keys.address.flatMap { key in address?.locked(at: now).map { (.address, key, $0) } }
        if let (which, key, until) = lock {
            var row = which == .account ? account : address!
            let audited = row.deniedFor != until
            var deniedAudit: (LoginLock, Int)?
            if audited {
                deniedAudit = (which, row.suppressed)
                row.deniedFor = until
                row.suppressed = 0
            } else {
                row.suppressed += 1
            }
            return LoginReserveDecision(gate: .locked(which, until: until, audited: audited), deniedAudit: deniedAudit, rows: [(key, row)])
        }
        var account = account
        var reservation = LoginReservation(keys: keys, accountLock: nil, addressLock: nil, suppressedEarlier: 0)
        reservation.accountLock = account.countAttempt(now: now, max: limits.maxPerAccount, limits: limits)
        reservation.suppressedEarlier += account.suppressed
        account.suppressed = 0
        var rows = [(key: keys.account, row: account)]
        if let key = keys.address, var row = address {
            reservation.addressLock = row.countAttempt(now: now, max: limits.maxPerAddress, limits: limits)
            reservation.suppressedEarlier += row.suppressed
            row.suppressed = 0
            rows.append((key, row))
        }
        return LoginReserveDecision(gate: .proceed(reservation), deniedAudit: nil, rows: rows)
    }

    /// Re-reads the locks: a lock another attempt set holds; otherwise the account key is reset and
    /// the address gets its attempt back (a lock this reservation set is cleared).
    public static func release(
        _ reservation: LoginReservation, account: LoginThrottleRow, address: LoginThrottleRow?, now: Int64
    ) -> LoginReleaseDecision {
        if let until = account.locked(at: now), until != reservation.accountLock { return LoginReleaseDecision(held: (.account, until), rows: []) }
        if let until = address?.locked(at: now), until != reservation.addressLock { return LoginReleaseDecision(held: (.address, until), rows: []) }
        var account = account
        (account.failures, account.firstFailureAt, account.lockedUntil) = (0, nil, nil)
        var rows = [(key: reservation.keys.account, row: account)]
        if let key = reservation.keys.address, var row = address {
            if reservation.addressLock != nil { row.lockedUntil = nil } else { row.failures = max(0, row.failures - 1) }
            rows.append((key, row))
        }
        return LoginReleaseDecision(held: nil, rows: rows)
    }

    /// `entry` as a rate-limited audit key writes it, noting the rows suppressed before it.
    public static func throttledAudit(_ entry: AuditEntry, suppressedBefore suppressed: Int) -> AuditEntry {
        var written = entry
        if suppressed > 0 {
            written.detail += "; \(suppressed) more like this in the previous window(s) were not logged one by one"
        }
        return written
    }
}
