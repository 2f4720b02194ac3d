import HopHubCore
import HopProtocol

// PostgreSQL: not yet. API keys (`api_keys`), to be implemented with their own schema migration.
extension PostgresStore: APIKeyStore, AuditedKeyStore {
    public func key(id: String) async throws -> APIKeyRecord? { throw PostgresNotImplemented() }
    public func keys() async throws -> [APIKeyRecord] { throw PostgresNotImplemented() }
    public func insertKey(_ key: APIKeyRecord, audit: AuditEntry) async throws -> Bool { throw PostgresNotImplemented() }
    public func revokeKey(name: String, at: Int64, audit: AuditEntry) async throws -> Bool { throw PostgresNotImplemented() }
    public func rotateKey(name: String, newID: String, newSecretHash: String, audit: AuditEntry) async throws -> APIKeyRecord? {
        throw PostgresNotImplemented()
    }
    /// Part of `LiveLookups`.
    public func activeKeyIDs() async throws -> Set<String> { throw PostgresNotImplemented() }
}
