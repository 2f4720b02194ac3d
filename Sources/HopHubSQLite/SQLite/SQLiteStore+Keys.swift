import HopHubCore
import GRDB

extension SQLiteStore: APIKeyStore {
    public func key(id: String) async throws -> APIKeyRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]).map(Self.keyRecord)
        }
    }

    public func keys() async throws -> [APIKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created_at").map(Self.keyRecord)
        }
    }

    static func insert(_ key: APIKeyRecord, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO api_keys VALUES (?,?,?,?,?,?,?)",
            arguments: [
                key.id, key.name, key.secretHash, key.scopeText, key.substations.listText, key.createdAt, key.revokedAt,
            ])
    }

    static func revoke(name: String, at: Int64, _ db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [at, name])
        return db.changesCount > 0
    }

    static func keyRecord(_ row: Row) -> APIKeyRecord {
        let scopes = (row["scopes"] as String).split(separator: ",").compactMap { APIKeyScope(rawValue: String($0)) }
        return APIKeyRecord(
            id: row["id"], name: row["name"], secretHash: row["secret_hash"], scopes: Set(scopes),
            substations: SubstationScope(list: row["substations"]), createdAt: row["created_at"],
            revokedAt: row["revoked_at"])
    }
}

extension SQLiteStore: AuditedKeyStore {
    public func insertKey(_ key: APIKeyRecord, audit: AuditEntry) async throws -> Bool {
        do {
            try await pool.write { db in
                try Self.insert(key, db)
                try Self.append(audit, db)
            }
            return true
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            return false  // another active key took the name first (index api_keys_active_name); nothing was written
        }
    }

    public func revokeKey(name: String, at: Int64, audit: AuditEntry) async throws -> Bool {
        try await pool.write { db in
            guard try Self.revoke(name: name, at: at, db) else { return false }
            try Self.append(audit, db)
            return true
        }
    }

    public func rotateKey(name: String, newID: String, newSecretHash: String, audit: AuditEntry) async throws
        -> APIKeyRecord?
    {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET id = ?, secret_hash = ? WHERE name = ? AND revoked_at IS NULL",
                arguments: [newID, newSecretHash, name])
            guard db.changesCount > 0 else { return nil }
            try Self.append(audit, db)
            return try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [newID])
                .map(Self.keyRecord)
        }
    }
}
