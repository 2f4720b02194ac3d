import GRDB

extension SQLiteStore: APIKeyStore {
    public func insertKey(_ key: APIKeyRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_keys VALUES (?,?,?,?,?,?,?)",
                arguments: [
                    key.id, key.name, key.secretHash, key.scopeText, key.substations.listText, key.createdAt,
                    key.revokedAt,
                ])
        }
    }

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

    public func revokeKey(name: String, at: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [at, name])
            return db.changesCount > 0
        }
    }

    static func keyRecord(_ row: Row) -> APIKeyRecord {
        let scopes = (row["scopes"] as String).split(separator: ",").compactMap { APIKeyScope(rawValue: String($0)) }
        return APIKeyRecord(
            id: row["id"], name: row["name"], secretHash: row["secret_hash"], scopes: Set(scopes),
            substations: SubstationScope(list: row["substations"]), createdAt: row["created_at"],
            revokedAt: row["revoked_at"])
    }
}
