import HopProtocol

/// Creating and revoking keys; shared by the CLI and (later) the admin pages.
public struct APIKeyAdmin: Sendable {
    let store: any APIKeyStore

    public init(store: any APIKeyStore) {
        self.store = store
    }

    public enum Failure: Error, CustomStringConvertible {
        case nameTaken(String)
        case invalidName(String)

        public var description: String {
            switch self {
            case .nameTaken(let name): "an active key named '\(name)' already exists (revoke it first)"
            case .invalidName(let name): "key name '\(name)' must be 1–64 characters of letters, digits and _ . : -"
            }
        }
    }

    /// Creates a key and returns its text; only the digest is stored.
    public func create(name: String, scopes: Set<APIKeyScope>, substations: SubstationScope) async throws -> String {
        do { try Validator(now: .now()).identifier(name, "name") } catch { throw Failure.invalidName(name) }
        if try await store.keys().contains(where: { $0.name == name && $0.revokedAt == nil }) {
            throw Failure.nameTaken(name)
        }
        let made = APIKeyGenerator.make()
        try await store.insertKey(
            APIKeyRecord(
                id: made.id, name: name, secretHash: made.secretHash, scopes: scopes, substations: substations,
                createdAt: SourceTime.now().epochMilliseconds))
        return made.key
    }

    public func revoke(name: String) async throws -> Bool {
        try await store.revokeKey(name: name, at: SourceTime.now().epochMilliseconds)
    }
}

/// A key as listed to admins: everything but the secret.
public struct APIKeySummary: Codable, Sendable {
    public var name: String
    public var scope: String
    public var substations: String
    public var createdAt: String
    public var revokedAt: String?

    public init(_ key: APIKeyRecord) {
        name = key.name
        scope = key.scopeText
        substations = key.substations.listText
        createdAt = SourceTime(epochMilliseconds: key.createdAt).rfc3339
        revokedAt = key.revokedAt.map { SourceTime(epochMilliseconds: $0).rfc3339 }
    }

    enum CodingKeys: String, CodingKey {
        case name, scope, substations
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }
}
