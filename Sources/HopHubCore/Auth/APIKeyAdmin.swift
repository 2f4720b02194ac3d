import HopProtocol

/// Key storage whose every change commits together with its audit row.
public protocol AuditedKeyStore: APIKeyStore, AuditStore {
    /// Inserts the key and its audit row together; false (and nothing written) when an active key
    /// already has the name — the database's unique index decides, so concurrent creates cannot both win.
    func insertKey(_ key: APIKeyRecord, audit: AuditEntry) async throws -> Bool
    /// Returns false (and records nothing) when no active key has that name.
    func revokeKey(name: String, at: Int64, audit: AuditEntry) async throws -> Bool
    /// Replaces the active key's id and secret digest, keeping name, scopes, substations and
    /// created_at; the old secret stops matching at once. Nil (and nothing recorded) when no active key has that name.
    func rotateKey(name: String, newID: String, newSecretHash: String, audit: AuditEntry) async throws -> APIKeyRecord?
}

/// Creating, rotating and revoking keys; shared by the CLI and the admin API. Every change (and
/// every refused attempt) appends one audit entry naming the actor; secrets are never logged or
/// stored, only their SHA-256 digests.
public struct APIKeyAdmin: Sendable {
    let store: any AuditedKeyStore

    /// Key administration over `store`, whose changes commit with their audit rows.
    public init(store: any AuditedKeyStore) {
        self.store = store
    }

    /// Why a key change was refused.
    public enum Failure: Error, CustomStringConvertible {
        case nameTaken(String)
        case invalidName(String)
        case noActiveKey(String)
        /// A key with the admin scope must have every substation (an admin can grant anything anyway).
        case adminScopeLimited(String)

        public var description: String {
            switch self {
            case .nameTaken(let name): "an active key named '\(name)' already exists (revoke it first)"
            case .invalidName(let name): "key name '\(name)' must be 1–64 characters of letters, digits and _ . : -"
            case .noActiveKey(let name): "no active key named '\(name)'"
            case .adminScopeLimited(let name):
                "key '\(name)' has the admin scope, so it must have all substations (substations all / \"all\")"
            }
        }
    }

    /// Creates a key and returns its text (shown once); only the digest is stored.
    public func create(
        name: String, scopes: Set<APIKeyScope>, substations: SubstationScope, by actor: AuditActor = .cli
    ) async throws -> String {
        try await created(name: name, scopes: scopes, substations: substations, by: actor).key
    }

    /// Creates a key; returns the text to hand out once and the stored record.
    public func created(
        name: String, scopes: Set<APIKeyScope>, substations: SubstationScope, by actor: AuditActor
    ) async throws -> (key: String, record: APIKeyRecord) {
        do { try Validator(now: .now()).identifier(name, "name") } catch { throw Failure.invalidName(name) }
        if scopes.contains(.admin) && substations != .all { throw Failure.adminScopeLimited(name) }
        let settings = Self.describe(scopes: scopes, substations: substations)
        let made = APIKeyGenerator.make()
        let now = SourceTime.now().epochMilliseconds
        let record = APIKeyRecord(
            id: made.id, name: name, secretHash: made.secretHash, scopes: scopes, substations: substations, createdAt: now)
        guard try await store.insertKey(record, audit: actor.entry(.keyCreate, target: name, detail: settings, at: now))
        else {
            try await store.appendAudit(
                actor.entry(.keyCreate, target: name, outcome: .failure, detail: "an active key with this name exists"))
            throw Failure.nameTaken(name)
        }
        return (made.key, record)
    }

    /// Gives the active key `name` a new secret (returned, shown once); the old one stops working at
    /// once. Name, scopes and substations are kept, so an edge bound to this key name keeps its edge_id.
    public func rotate(name: String, by actor: AuditActor = .cli) async throws -> (key: String, record: APIKeyRecord) {
        let made = APIKeyGenerator.make()
        let audit = actor.entry(.keyRotate, target: name, detail: "new secret issued; the previous one no longer works")
        guard let record = try await store.rotateKey(name: name, newID: made.id, newSecretHash: made.secretHash, audit: audit)
        else {
            try await store.appendAudit(actor.entry(.keyRotate, target: name, outcome: .failure, detail: "no active key"))
            throw Failure.noActiveKey(name)
        }
        return (made.key, record)
    }

    /// Revokes the active key `name`; false (recorded as a failure) when there is none.
    public func revoke(name: String, by actor: AuditActor = .cli) async throws -> Bool {
        let now = SourceTime.now().epochMilliseconds
        if try await store.revokeKey(name: name, at: now, audit: actor.entry(.keyRevoke, target: name, at: now)) {
            return true
        }
        try await store.appendAudit(actor.entry(.keyRevoke, target: name, outcome: .failure, detail: "no active key"))
        return false
    }

    /// `scopes=read,ingest substations=SUB001,SUB002` (or `*`): the audit detail of a created key.
    static func describe(scopes: Set<APIKeyScope>, substations: SubstationScope) -> String {
        "scopes=\(scopes.map(\.rawValue).sorted().joined(separator: ",")) substations=\(substations.listText)"
    }
}

/// A key as listed to admins: everything but the secret.
public struct APIKeySummary: Codable, Sendable {
    public var name: String
    public var scope: String
    public var substations: String
    public var createdAt: String
    public var revokedAt: String?

    /// The summary of a stored key.
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
