import HopProtocol

/// The limits a login attempt is checked against, in milliseconds and counts.
public struct LoginLimits: Sendable, Hashable {
    public var windowMs: Int64
    public var lockMs: Int64
    public var maxPerAccount: Int
    public var maxPerAddress: Int

    /// The limits of `settings`.
    public init(_ settings: AccountSettings) {
        windowMs = Int64(settings.failureWindowSeconds) * 1000
        lockMs = Int64(settings.lockoutSeconds) * 1000
        maxPerAccount = settings.maxFailures
        maxPerAddress = settings.maxFailuresPerAddress
    }
}

/// What a login attempt is counted against: the account key (`account:<email>` for any email
/// tried, known or not) and the address key (`address:<IPv4>` or `address:<IPv6 /64>`).
public struct LoginThrottleKeys: Sendable, Hashable {
    public var account: String
    public var address: String?

    public init(account: String, address: String?) {
        self.account = account
        self.address = address
    }

    /// The account key of a normalized email.
    public static func account(_ email: String) -> String { "account:\(email)" }
    /// The address key of a client address (IPv6 counted per /64).
    public static func address(_ address: String) -> String { "address:\(AddressBucket.bucket(address))" }
}

/// Which lock refused an attempt.
public enum LoginLock: String, Sendable, Hashable {
    case account, address
}

/// An attempt that was counted before the password check (reserved): it is a failure unless
/// `releaseLoginAttempt` gives it back. `accountLock`/`addressLock` are the lock ends this
/// reservation set by reaching the limit (they become real if the attempt fails).
public struct LoginReservation: Sendable, Hashable {
    public var keys: LoginThrottleKeys
    public var accountLock: Int64?
    public var addressLock: Int64?
    /// `denied` attempts not written to the audit log during the keys' previous locks (to report now).
    public var suppressedEarlier: Int

    public init(keys: LoginThrottleKeys, accountLock: Int64?, addressLock: Int64?, suppressedEarlier: Int) {
        self.keys = keys
        self.accountLock = accountLock
        self.addressLock = addressLock
        self.suppressedEarlier = suppressedEarlier
    }
}

/// The answer of `reserveLoginAttempt`.
public enum LoginGate: Sendable, Hashable {
    /// Go on and check the password.
    case proceed(LoginReservation)
    /// Locked until the given time (ms); the `denied` audit row was written only when `audited`.
    case locked(LoginLock, until: Int64, audited: Bool)
}

/// Failed-login counters kept per key, each change one transaction (so concurrent attempts cannot
/// all pass the check before any is counted).
public protocol LoginThrottleStore: Sendable {
    /// In ONE write transaction: refuses when the account or address key is locked (writing
    /// `denied(lock, suppressedEarlier)` at most once per lock, counting the others as suppressed),
    /// else counts the attempt against both keys, locking a key whose count reaches its limit.
    func reserveLoginAttempt(
        _ keys: LoginThrottleKeys, now: Int64, limits: LoginLimits,
        denied: @escaping @Sendable (LoginLock, _ suppressedEarlier: Int) -> AuditEntry
    ) async throws -> LoginGate
    /// After a correct password, in one transaction: re-reads the locks; when a lock set by another
    /// attempt holds, returns it (nothing released); else resets the account key and gives the
    /// address its attempt back, clearing locks this reservation set.
    func releaseLoginAttempt(_ reservation: LoginReservation, now: Int64) async throws -> (LoginLock, Int64)?
    /// The key's failures, window start and lock, if any.
    func loginThrottle(_ key: String) async throws -> (failures: Int, lockedUntil: Int64?)?
    /// Clears the key's counters and lock, with the audit row, in one transaction.
    func clearLoginThrottle(_ key: String, audit: AuditEntry) async throws
    /// Appends `entry` unless a row with `key` was appended within `windowMs`; then counts it as
    /// suppressed, and the next row written for the key reports the count (`detail` + note). True when written.
    @discardableResult
    func appendThrottledAudit(_ entry: AuditEntry, key: String, windowMs: Int64) async throws -> Bool
}
