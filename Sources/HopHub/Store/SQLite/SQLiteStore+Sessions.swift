import GRDB

extension SQLiteStore: AccountStore {
    public func insertSession(_ session: SessionRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen, expires_at) VALUES (?,?,?,?,?,?)",
                arguments: [
                    session.idHash, session.userID, session.csrfToken, session.createdAt, session.lastSeen,
                    session.expiresAt,
                ])
        }
    }

    public func session(idHash: String) async throws -> (SessionRecord, UserRecord)? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id_hash = ?", arguments: [idHash])
            else { return nil }
            let session = SessionRecord(
                idHash: row["id_hash"], userID: row["user_id"], csrfToken: row["csrf_token"], createdAt: row["created_at"],
                lastSeen: row["last_seen"], expiresAt: row["expires_at"])
            guard let user = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [session.userID])
            else { return nil }
            return (session, try Self.userRecord(user))
        }
    }

    public func touchSession(idHash: String, at: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE sessions SET last_seen = ? WHERE id_hash = ?", arguments: [at, idHash])
        }
    }

    public func deleteSession(idHash: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE id_hash = ?", arguments: [idHash])
        }
    }

    @discardableResult
    public func deleteSessions(userID: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
            return db.changesCount
        }
    }

    @discardableResult
    public func purgeSessions(now: Int64, idleBefore: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM sessions WHERE expires_at <= ? OR last_seen < ?", arguments: [now, idleBefore])
            return db.changesCount
        }
    }

    public func sessionCount(userID: Int64) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions WHERE user_id = ?", arguments: [userID]) ?? 0
        }
    }

    public func addressThrottle(_ address: String) async throws -> AddressThrottle? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM login_address_failures WHERE address = ?", arguments: [address]).map {
                AddressThrottle(
                    address: $0["address"], failures: $0["failures"], firstFailureAt: $0["first_failure_at"],
                    lockedUntil: $0["locked_until"])
            }
        }
    }

    public func recordAddressFailure(_ address: String, now: Int64, windowMs: Int64, maxFailures: Int, lockMs: Int64)
        async throws -> Int64?
    {
        try await pool.write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT failures, first_failure_at FROM login_address_failures WHERE address = ?",
                arguments: [address])
            let (count, first) = Self.nextFailure(
                row?["failures"] ?? 0, row?["first_failure_at"], now: now, windowMs: windowMs)
            let locked = count >= maxFailures ? now + lockMs : nil
            try db.execute(
                sql: """
                    INSERT INTO login_address_failures (address, failures, first_failure_at, locked_until) VALUES (?,?,?,?)
                    ON CONFLICT(address) DO UPDATE SET failures = excluded.failures,
                        first_failure_at = excluded.first_failure_at,
                        locked_until = COALESCE(excluded.locked_until, locked_until)
                    """,
                arguments: [address, locked == nil ? count : 0, locked == nil ? first : now, locked])
            return locked
        }
    }

    public func clearAddressThrottle(_ address: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM login_address_failures WHERE address = ?", arguments: [address])
        }
    }
}
