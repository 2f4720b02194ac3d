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
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id_hash = ?", arguments: [idHash])
            else { return nil }
            let session = SessionRecord(
                idHash: row["id_hash"], userID: row["user_id"], csrfToken: row["csrf_token"], createdAt: row["created_at"],
                lastSeen: row["last_seen"], expiresAt: row["expires_at"])
            guard let user = try Row.fetchOne(db, sql: "\(Self.userSelect) WHERE users.id = ?", arguments: [session.userID])
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
