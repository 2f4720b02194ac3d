/// What an API key may do.
public enum APIKeyScope: String, Sendable, Hashable, CaseIterable, Codable {
    case ingest
    case read
    /// Manage users, keys and map layers, read the audit log (`/api/admin/*`).
    case admin
}

/// An API key as stored: never the key itself, only its SHA-256 digest.
public struct APIKeyRecord: Sendable, Hashable {
    /// The public part of the key (`hop_<id>_<secret>`), used to find the record.
    public var id: String
    public var name: String
    public var secretHash: String
    public var scopes: Set<APIKeyScope>
    public var substations: SubstationScope
    public var createdAt: Int64
    public var revokedAt: Int64?

    public init(
        id: String, name: String, secretHash: String, scopes: Set<APIKeyScope>, substations: SubstationScope,
        createdAt: Int64, revokedAt: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.scopes = scopes
        self.substations = substations
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var scopeText: String { scopes.map(\.rawValue).sorted().joined(separator: ",") }
}
