/// Storage of users, sessions and login throttling; `SQLiteStore` is the real one. Email lookups
/// ignore case. Every method is one transaction.
public protocol AccountStore: AuditStore {
    /// Inserts and returns the user with its id; nil when the email is taken (any case).
    func insertUser(_ user: UserRecord) async throws -> UserRecord?
    func user(email: String) async throws -> UserRecord?
    func user(id: Int64) async throws -> UserRecord?
    /// All users, ordered by email.
    func users() async throws -> [UserRecord]
    /// Writes the profile, rights, password hash and `updated_at` (not the login-failure fields,
    /// which only the methods below change, atomically).
    func updateUser(_ user: UserRecord) async throws
    /// Counts a failed login of the user in one transaction (a new window starts when the last one
    /// is over); returns the lock end (ms) when this failure reached `maxFailures` and locked it.
    func recordLoginFailure(userID: Int64, now: Int64, windowMs: Int64, maxFailures: Int, lockMs: Int64) async throws
        -> Int64?
    /// Resets the user's failure count and lock.
    func clearLoginFailures(userID: Int64) async throws
    /// Emails and `updated_at` of users changed after `since` (ms), oldest change first.
    func usersUpdated(after since: Int64) async throws -> [(email: String, updatedAt: Int64)]

    func insertSession(_ session: SessionRecord) async throws
    /// The session and its user.
    func session(idHash: String) async throws -> (SessionRecord, UserRecord)?
    func touchSession(idHash: String, at: Int64) async throws
    func deleteSession(idHash: String) async throws
    /// Deletes every session of a user; returns how many.
    @discardableResult func deleteSessions(userID: Int64) async throws -> Int
    /// Deletes sessions past their absolute end or unused since `idleBefore`; returns how many.
    @discardableResult func purgeSessions(now: Int64, idleBefore: Int64) async throws -> Int
    func sessionCount(userID: Int64) async throws -> Int

    func addressThrottle(_ address: String) async throws -> AddressThrottle?
    /// Like `recordLoginFailure`, for a source address.
    func recordAddressFailure(_ address: String, now: Int64, windowMs: Int64, maxFailures: Int, lockMs: Int64)
        async throws -> Int64?
    func clearAddressThrottle(_ address: String) async throws
}
