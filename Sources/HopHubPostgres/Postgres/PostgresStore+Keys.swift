import HopHubCore
import Logging
import PostgresNIO

/// API keys (`api_keys`, `PostgresSchema+Keys`): the SHA-256 digest of each secret, never the
/// secret; every change commits with its audit row.
extension PostgresStore: APIKeyStore, AuditedKeyStore {
    static let keyColumns = "id, name, secret_hash, scopes, substations, created_at, revoked_at"
    typealias KeyRow = (String, String, String, String, String, Int64, Int64?)

    public func key(id: String) async throws -> APIKeyRecord? {
        let rows = try await fetch("SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE id = \(id)")
        for r in try rows.decode(KeyRow.self) { return Self.keyRecord(r) }
        return nil
    }

    public func keys() async throws -> [APIKeyRecord] {
        let rows = try await fetch("SELECT \(unescaped: Self.keyColumns) FROM api_keys ORDER BY created_at, id")
        var keys: [APIKeyRecord] = []
        for r in try rows.decode(KeyRow.self) { keys.append(Self.keyRecord(r)) }
        return keys
    }

    /// Part of `LiveLookups`: the ids of keys not revoked.
    public func activeKeyIDs() async throws -> Set<String> {
        let rows = try await fetch("SELECT id FROM api_keys WHERE revoked_at IS NULL")
        var ids = Set<String>()
        for id in try rows.decode(String.self) { ids.insert(id) }
        return ids
    }

    public func insertKey(_ key: APIKeyRecord, audit: AuditEntry) async throws -> Bool {
        let logger = self.logger
        return try await transaction { c in
            // Another active key with the name (index api_keys_active_name), or the id taken: nothing is written.
            let inserted = try await c.rows(
                """
                INSERT INTO api_keys (id, name, secret_hash, scopes, substations, created_at, revoked_at)
                VALUES (\(key.id), \(key.name), \(key.secretHash), \(key.scopeText), \(key.substations.listText), \(key.createdAt),
                        \(key.revokedAt))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger)
            guard !inserted.isEmpty else { return false }
            try await Self.append(audit, c, logger: logger)
            return true
        }
    }

    public func revokeKey(name: String, at: Int64, audit: AuditEntry) async throws -> Bool {
        let logger = self.logger
        return try await transaction { c in
            guard try await Self.changed(c, "UPDATE api_keys SET revoked_at = \(at) WHERE name = \(name) AND revoked_at IS NULL", logger: logger) > 0
            else { return false }
            try await Self.append(audit, c, logger: logger)
            return true
        }
    }

    public func rotateKey(name: String, newID: String, newSecretHash: String, audit: AuditEntry) async throws -> APIKeyRecord? {
        let logger = self.logger
        return try await transaction { c in
            let rows = try await c.rows(
                """
                UPDATE api_keys SET id = \(newID), secret_hash = \(newSecretHash) WHERE name = \(name) AND revoked_at IS NULL
                RETURNING \(unescaped: Self.keyColumns)
                """, logger: logger)
            guard let row = rows.first else { return nil }
            try await Self.append(audit, c, logger: logger)
            return Self.keyRecord(try row.decode(KeyRow.self))
        }
    }

    static func keyRecord(_ r: KeyRow) -> APIKeyRecord {
        let scopes = r.3.split(separator: ",").compactMap { APIKeyScope(rawValue: String($0)) }
        return APIKeyRecord(
            id: r.0, name: r.1, secretHash: r.2, scopes: Set(scopes), substations: SubstationScope(list: r.4), createdAt: r.5, revokedAt: r.6)
    }
}
