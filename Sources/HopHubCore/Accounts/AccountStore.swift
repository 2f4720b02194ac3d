import HopProtocol

/// Storage of users, sessions and login throttling; `SQLiteStore` is the real one. Email lookups
/// ignore case. Every method is one transaction, and every change that is audited commits together
/// with its audit row (or neither does).
public protocol AccountStore: AuditStore, LoginThrottleStore {
    /// Inserts the user and `audit` together and returns the user with its id; nil (nothing
    /// written) when the email is taken (any case).
    func insertUser(_ user: UserRecord, audit: AuditEntry) async throws -> UserRecord?
    func user(email: String) async throws -> UserRecord?
    /// All users, ordered by email.
    func users() async throws -> [UserRecord]
    /// Writes the profile, rights, password hash and `updated_at`; optionally deletes the user's
    /// sessions and clears the account's login lock; appends `audit(sessionsEnded)` — all in one
    /// transaction. Returns how many sessions ended.
    @discardableResult
    func updateUser(
        _ user: UserRecord, endSessions: Bool, clearLock: Bool, audit: @escaping @Sendable (Int) -> [AuditEntry]
    ) async throws -> Int
    /// Emails and `updated_at` of users changed after `since` (ms), oldest change first.
    func usersUpdated(after since: Int64) async throws -> [(email: String, updatedAt: Int64)]

    func insertSession(_ session: SessionRecord) async throws
    /// The session and its user.
    func session(idHash: String) async throws -> (SessionRecord, UserRecord)?
    func touchSession(idHash: String, at: Int64) async throws
    func deleteSession(idHash: String) async throws
    /// Deletes every session of a user and appends `audit(count)` in one transaction; returns how many.
    @discardableResult
    func deleteSessions(userID: Int64, audit: @escaping @Sendable (Int) -> AuditEntry) async throws -> Int
    /// Deletes sessions past their absolute end or unused since `idleBefore`; returns how many.
    @discardableResult func purgeSessions(now: Int64, idleBefore: Int64) async throws -> Int
}
