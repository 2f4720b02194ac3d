import HopHubCore
import GRDB
import HopProtocol

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
        // One statement: every cookie-authenticated request runs it.
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.sessionSelect, arguments: [idHash]) else { return nil }
            let session = SessionRecord(
                idHash: idHash, userID: row["id"], csrfToken: row["s_csrf_token"], createdAt: row["s_created_at"],
                lastSeen: row["s_last_seen"], expiresAt: row["s_expires_at"])
            return (session, try Self.userRecord(row))
        }
    }

    /// A session with its user (the user's columns as `userRecord` reads them; the session's prefixed `s_`).
    static let sessionSelect = """
        SELECT \(userColumns), s.csrf_token AS s_csrf_token, s.created_at AS s_created_at, s.last_seen AS s_last_seen,
            s.expires_at AS s_expires_at
        \(userFrom) JOIN sessions s ON s.user_id = users.id WHERE s.id_hash = ?
        """

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
    public func deleteSessions(userID: Int64, audit: @escaping @Sendable (Int) -> AuditEntry) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
            let ended = db.changesCount
            try Self.append(audit(ended), db)
            return ended
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
}
