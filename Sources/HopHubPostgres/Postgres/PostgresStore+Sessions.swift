import HopHubCore
import Logging
import PostgresNIO

/// Sessions (`sessions`): only the SHA-256 of each id is stored. Every replica reads the same
/// table, so a session made through one replica is valid on all of them.
extension PostgresStore: AccountStore {
    public func insertSession(_ session: SessionRecord) async throws {
        let logger = self.logger
        try await transaction { c in
            _ = try await c.rows(
                """
                INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen, expires_at)
                VALUES (\(session.idHash), \(session.userID), \(session.csrfToken), \(session.createdAt), \(session.lastSeen),
                        \(session.expiresAt))
                """, logger: logger)
        }
    }

    public func session(idHash: String) async throws -> (SessionRecord, UserRecord)? {
        // One statement outside a transaction: every cookie-authenticated request runs it.
        let rows = try await fetch(
            """
            SELECT \(unescaped: Self.userColumns), s.csrf_token, s.created_at, s.last_seen, s.expires_at
            \(unescaped: Self.userFrom) JOIN sessions s ON s.user_id = u.id WHERE s.id_hash = \(idHash)
            """)
        for row in rows {
            let user = try Self.userRecord(row)
            let r = row.makeRandomAccess()
            let session = SessionRecord(
                idHash: idHash, userID: user.id, csrfToken: try r[14].decode(String.self), createdAt: try r[15].decode(Int64.self),
                lastSeen: try r[16].decode(Int64.self), expiresAt: try r[17].decode(Int64.self))
            return (session, user)
        }
        return nil
    }

    public func touchSession(idHash: String, at: Int64) async throws {
        let logger = self.logger
        try await transaction { c in
            _ = try await c.rows("UPDATE sessions SET last_seen = \(at) WHERE id_hash = \(idHash)", logger: logger)
        }
    }

    public func deleteSession(idHash: String) async throws {
        let logger = self.logger
        try await transaction { c in
            _ = try await c.rows("DELETE FROM sessions WHERE id_hash = \(idHash)", logger: logger)
        }
    }

    @discardableResult
    public func deleteSessions(userID: Int64, audit: @escaping @Sendable (Int) -> AuditEntry) async throws -> Int {
        let logger = self.logger
        return try await transaction { c in
            let ended = try await Self.deleted(c, "DELETE FROM sessions WHERE user_id = \(userID)", logger: logger)
            try await Self.append(audit(ended), c, logger: logger)
            return ended
        }
    }

    @discardableResult
    public func purgeSessions(now: Int64, idleBefore: Int64) async throws -> Int {
        let logger = self.logger
        return try await transaction { c in
            try await Self.deleted(c, "DELETE FROM sessions WHERE expires_at <= \(now) OR last_seen < \(idleBefore)", logger: logger)
        }
    }

    /// Part of `LiveLookups`: which of the stream's sessions are still valid (not expired, not idle, user active).
    public func liveSessionHashes(among idHashes: Set<String>, now: Int64, idleBefore: Int64) async throws -> Set<String> {
        guard !idHashes.isEmpty else { return [] }
        let rows = try await fetch(
            """
            SELECT s.id_hash FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id_hash = ANY(\(idHashes.sorted())::text[]) AND s.expires_at > \(now) AND s.last_seen > \(idleBefore) AND u.active
            """)
        var live = Set<String>()
        for hash in try rows.decode(String.self) { live.insert(hash) }
        return live
    }
}
