import HopHubCore
import GRDB
import HopProtocol

extension SQLiteStore {
    /// The user columns, with the login counters of the user's `account:` throttle key (migration v5).
    /// The columns `userRecord` reads, and where they come from.
    static let userColumns = """
        users.id, users.email, users.name, users.org_name, users.role, users.active, users.substations,
            users.alert_opt_in, users.password_hash, users.created_at, users.updated_at,
            COALESCE(t.failures, 0) AS failed_logins, t.first_failure_at AS first_failure_at, t.locked_until AS locked_until
        """
    static let userFrom = "FROM users LEFT JOIN login_throttle t ON t.key = 'account:' || lower(users.email)"
    static let userSelect = "SELECT \(userColumns) \(userFrom)"

    public func insertUser(_ user: UserRecord, audit: AuditEntry) async throws -> UserRecord? {
        try await pool.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE email = ?", arguments: [user.email]) != nil {
                return nil
            }
            try db.execute(
                sql: """
                    INSERT INTO users (email, name, org_name, role, active, substations, alert_opt_in, password_hash,
                        failed_logins, first_failure_at, locked_until, created_at, updated_at)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
                    """,
                arguments: [
                    user.email, user.name, user.orgName, user.role.rawValue, user.active, user.substations.listText,
                    user.alertOptIn, user.passwordHash, user.failedLogins, user.firstFailureAt, user.lockedUntil,
                    user.createdAt, user.updatedAt,
                ])
            var stored = user
            stored.id = db.lastInsertedRowID
            try Self.append(audit, db)
            return stored
        }
    }

    public func user(email: String) async throws -> UserRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "\(Self.userSelect) WHERE users.email = ?", arguments: [email]).map(Self.userRecord)
        }
    }

    public func users() async throws -> [UserRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "\(Self.userSelect) ORDER BY users.email").map(Self.userRecord)
        }
    }

    @discardableResult
    public func updateUser(
        _ user: UserRecord, endSessions: Bool, clearLock: Bool, audit: @escaping @Sendable (Int) -> [AuditEntry]
    ) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE users SET name = ?, org_name = ?, role = ?, active = ?, substations = ?, alert_opt_in = ?,
                        password_hash = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    user.name, user.orgName, user.role.rawValue, user.active, user.substations.listText, user.alertOptIn,
                    user.passwordHash, user.updatedAt, user.id,
                ])
            var ended = 0
            if endSessions {
                try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [user.id])
                ended = db.changesCount
            }
            if clearLock { try Self.clearThrottle(LoginThrottleKeys.account(user.email.lowercased()), db) }
            for entry in audit(ended) { try Self.append(entry, db) }
            return ended
        }
    }

    public func usersUpdated(after since: Int64) async throws -> [(email: String, updatedAt: Int64)] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT email, updated_at FROM users WHERE updated_at > ? ORDER BY updated_at", arguments: [since]
            ).map { (email: $0["email"], updatedAt: $0["updated_at"]) }
        }
    }

    /// A row as a user; a role this build does not know is an error, not a guess.
    static func userRecord(_ row: Row) throws -> UserRecord {
        guard let role = UserRole(rawValue: row["role"]) else {
            throw DatabaseError(message: "users row \(row["id"] as Int64) has unknown role '\(row["role"] as String)'")
        }
        return UserRecord(
            id: row["id"], email: row["email"], name: row["name"], orgName: row["org_name"], role: role,
            active: row["active"], substations: SubstationScope(list: row["substations"]), alertOptIn: row["alert_opt_in"],
            passwordHash: row["password_hash"], failedLogins: row["failed_logins"], firstFailureAt: row["first_failure_at"],
            lockedUntil: row["locked_until"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
