import HopHubCore
import HopProtocol

// PostgreSQL: not yet. Users, sessions and login throttling.
extension PostgresStore: AccountStore {
    public func insertUser(_ user: UserRecord, audit: AuditEntry) async throws -> UserRecord? { throw PostgresNotImplemented() }
    public func user(email: String) async throws -> UserRecord? { throw PostgresNotImplemented() }
    public func users() async throws -> [UserRecord] { throw PostgresNotImplemented() }
    public func updateUser(
        _ user: UserRecord, endSessions: Bool, clearLock: Bool, audit: @escaping @Sendable (Int) -> [AuditEntry]
    ) async throws -> Int { throw PostgresNotImplemented() }
    public func usersUpdated(after since: Int64) async throws -> [(email: String, updatedAt: Int64)] { throw PostgresNotImplemented() }
    public func insertSession(_ session: SessionRecord) async throws { throw PostgresNotImplemented() }
    public func session(idHash: String) async throws -> (SessionRecord, UserRecord)? { throw PostgresNotImplemented() }
    public func touchSession(idHash: String, at: Int64) async throws { throw PostgresNotImplemented() }
    public func deleteSession(idHash: String) async throws { throw PostgresNotImplemented() }
    public func deleteSessions(userID: Int64, audit: @escaping @Sendable (Int) -> AuditEntry) async throws -> Int {
        throw PostgresNotImplemented()
    }
    public func purgeSessions(now: Int64, idleBefore: Int64) async throws -> Int { throw PostgresNotImplemented() }
    /// Part of `LiveLookups`.
    public func liveSessionHashes(among idHashes: Set<String>, now: Int64, idleBefore: Int64) async throws -> Set<String> {
        throw PostgresNotImplemented()
    }
}

// PostgreSQL: not yet. Failed-login counters and throttled audit rows.
extension PostgresStore: LoginThrottleStore {
    public func reserveLoginAttempt(
        _ keys: LoginThrottleKeys, now: Int64, limits: LoginLimits,
        denied: @escaping @Sendable (LoginLock, Int) -> AuditEntry
    ) async throws -> LoginGate { throw PostgresNotImplemented() }
    public func releaseLoginAttempt(_ reservation: LoginReservation, now: Int64) async throws -> (LoginLock, Int64)? {
        throw PostgresNotImplemented()
    }
    public func loginThrottle(_ key: String) async throws -> (failures: Int, lockedUntil: Int64?)? { throw PostgresNotImplemented() }
    public func clearLoginThrottle(_ key: String, audit: AuditEntry) async throws { throw PostgresNotImplemented() }
    public func appendThrottledAudit(_ entry: AuditEntry, key: String, windowMs: Int64) async throws -> Bool {
        throw PostgresNotImplemented()
    }
}
