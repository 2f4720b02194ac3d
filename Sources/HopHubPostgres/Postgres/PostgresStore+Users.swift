import HopHubCore
import Logging
import PostgresNIO

/// Portal users (`users`, `PostgresSchema+Accounts`); each one's login counters come from its
/// `account:` key in `login_throttle`, as on SQLite.
extension PostgresStore {
    /// The columns `userRecord` reads, in order, and where they come from.
    static let userColumns = """
        u.id, u.email, u.name, u.org_name, u.role, u.active, u.substations, u.alert_opt_in, u.password_hash,
               u.created_at, u.updated_at, coalesce(t.failures, 0)::int8, t.first_failure_at, t.locked_until
        """
    static let userFrom = "FROM users u LEFT JOIN login_throttle t ON t.key = 'account:' || lower(u.email)"
    static let userSelect = "SELECT \(userColumns) \(userFrom)"

    public func insertUser(_ user: UserRecord, audit: AuditEntry) async throws -> UserRecord? {
        let logger = self.logger
        return try await transaction { c in
            // The unique index on lower(email) decides between concurrent creates on any replica.
            let ids = try await c.rows(
                """
                INSERT INTO users (email, name, org_name, role, active, substations, alert_opt_in, password_hash, created_at, updated_at)
                VALUES (\(user.email), \(user.name), \(user.orgName), \(user.role.rawValue), \(user.active), \(user.substations.listText),
                        \(user.alertOptIn), \(user.passwordHash), \(user.createdAt), \(user.updatedAt))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger)
            guard let id = try ids.first?.decode(Int64.self) else { return nil }
            var stored = user
            stored.id = id
            try await Self.append(audit, c, logger: logger)
            return stored
        }
    }

    public func user(email: String) async throws -> UserRecord? {
        let logger = self.logger
        return try await read { c in
            try await c.rows("\(unescaped: Self.userSelect) WHERE lower(u.email) = lower(\(email))", logger: logger)
                .first.map(Self.userRecord)
        }
    }

    public func users() async throws -> [UserRecord] {
        let logger = self.logger
        return try await read { c in
            try await c.rows("\(unescaped: Self.userSelect) ORDER BY u.email", logger: logger).map(Self.userRecord)
        }
    }

    @discardableResult
    public func updateUser(
        _ user: UserRecord, endSessions: Bool, clearLock: Bool, audit: @escaping @Sendable (Int) -> [AuditEntry]
    ) async throws -> Int {
        let logger = self.logger
        return try await transaction { c in
            _ = try await c.rows(
                """
                UPDATE users SET name = \(user.name), org_name = \(user.orgName), role = \(user.role.rawValue), active = \(user.active),
                  substations = \(user.substations.listText), alert_opt_in = \(user.alertOptIn), password_hash = \(user.passwordHash),
                  updated_at = \(user.updatedAt)
                WHERE id = \(user.id)
                """, logger: logger)
            var ended = 0
            if endSessions {
                ended = try await Self.deleted(c, "DELETE FROM sessions WHERE user_id = \(user.id)", logger: logger)
            }
            if clearLock {
                try await Self.lock(c, .loginThrottle, "", logger: logger)
                try await Self.clearThrottle(LoginThrottleKeys.account(user.email.lowercased()), c, logger: logger)
            }
            for entry in audit(ended) { try await Self.append(entry, c, logger: logger) }
            return ended
        }
    }

    public func usersUpdated(after since: Int64) async throws -> [(email: String, updatedAt: Int64)] {
        let logger = self.logger
        return try await read { c in
            try await c.rows("SELECT email, updated_at FROM users WHERE updated_at > \(since) ORDER BY updated_at", logger: logger)
                .map { row in
                    let (email, at) = try row.decode((String, Int64).self)
                    return (email: email, updatedAt: at)
                }
        }
    }

    /// A row starting with `userColumns` as a user; a role this build does not know is an error, not a guess.
    static func userRecord(_ row: PostgresRow) throws -> UserRecord {
        let r = row.makeRandomAccess()
        let id = try r[0].decode(Int64.self)
        let roleText = try r[4].decode(String.self)
        guard let role = UserRole(rawValue: roleText) else {
            throw PostgresRowError(table: "users", id: "\(id)", problem: "unknown role '\(roleText)'")
        }
        return UserRecord(
            id: id, email: try r[1].decode(String.self), name: try r[2].decode(String.self), orgName: try r[3].decode(String.self),
            role: role, active: try r[5].decode(Bool.self), substations: SubstationScope(list: try r[6].decode(String.self)),
            alertOptIn: try r[7].decode(Bool.self), passwordHash: try r[8].decode(String.self), failedLogins: Int(try r[11].decode(Int64.self)),
            firstFailureAt: try r[12].decode(Int64?.self), lockedUntil: try r[13].decode(Int64?.self), createdAt: try r[9].decode(Int64.self),
            updatedAt: try r[10].decode(Int64.self))
    }
}
