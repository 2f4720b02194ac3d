import HopHubCore
import HopHubSQLite
import HopProtocol
import Hummingbird
import Logging

/// `/api/admin/keys`: list, create (the key is shown once), rotate and revoke API keys. Admin scope
/// only; every change is audited by `APIKeyAdmin` with the admin as actor.
struct AdminKeysController {
    let store: any AuditedKeyStore

    /// Admin bodies are small; anything larger is refused before it is read.
    static let bodyReader = BodyReader(maxBytes: 64 * 1024, maxDecompressedBytes: 64 * 1024)

    /// Registers the key routes on the `/api/admin` group.
    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("keys", use: list)
        group.post("keys", use: create)
        group.post("keys/:name/rotate", use: rotate)
        group.delete("keys/:name", use: revoke)
    }

    /// A key as admins see it; `key` (the secret) only in the answer that created or rotated it.
    struct KeyView: ResponseEncodable {
        var name: String
        var scopes: [String]
        var substations: SubstationGrants
        var createdAt: String
        var revokedAt: String?
        var active: Bool
        var key: String?

        /// The stored record, with the secret only when it was just made.
        init(_ record: APIKeyRecord, key: String? = nil) {
            name = record.name
            scopes = record.scopes.map(\.rawValue).sorted()
            substations = SubstationGrants(record.substations)
            createdAt = SourceTime(epochMilliseconds: record.createdAt).rfc3339
            revokedAt = record.revokedAt.map { SourceTime(epochMilliseconds: $0).rfc3339 }
            active = record.revokedAt == nil
            self.key = key
        }

        enum CodingKeys: String, CodingKey {
            case name, scopes, substations, active, key
            case createdAt = "created_at"
            case revokedAt = "revoked_at"
        }
    }

    /// The body of `POST /keys`.
    struct CreateBody: Decodable {
        var name: String
        var scopes: [String]
        var substations: SubstationGrants
    }

    /// `GET /keys`: every key, active and revoked, never a secret.
    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> [KeyView] {
        _ = try context.requireAdmin()
        return try await store.keys().map { KeyView($0) }
    }

    /// `POST /keys`: 201 with the key shown once; 409 name taken, 422 bad field.
    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<KeyView> {
        let admin = try context.requireAdmin()
        let body = try BodyReader.decode(CreateBody.self, from: try await Self.bodyReader.read(request))
        guard !body.scopes.isEmpty else {
            throw HubError(.validationFailed, "scopes must name at least one of \(Self.scopeNames)", field: "scopes")
        }
        var scopes = Set<APIKeyScope>()
        for (index, text) in body.scopes.enumerated() {
            guard let scope = APIKeyScope(rawValue: text) else {
                throw HubError(
                    .validationFailed, "scope '\(text)' is not one of \(Self.scopeNames)", field: "scopes[\(index)]")
            }
            scopes.insert(scope)
        }
        let substations = try body.substations.checked()
        if scopes.contains(.admin) && substations != .all {
            throw HubError(
                .validationFailed, "a key with the admin scope always has all substations; send \"substations\": \"all\"",
                field: "substations")
        }
        try AccountService.requireWithin(substations, limit: admin.substations)
        do {
            let made = try await APIKeyAdmin(store: store).created(
                name: body.name, scopes: scopes, substations: substations, by: AuditActor(admin, sourceAddress: context.clientAddress))
            context.logger.info(
                "api key created", metadata: ["key_name": .string(body.name), "by": .string(AuditActor(admin, sourceAddress: nil).name)])
            return EditedResponse(status: .created, response: KeyView(made.record, key: made.key))
        } catch let failure as APIKeyAdmin.Failure {
            throw Self.hubError(failure)
        }
    }

    /// `POST /keys/{name}/rotate`: a new secret shown once; the old one fails from now on.
    @Sendable func rotate(_ request: Request, context: HubRequestContext) async throws -> KeyView {
        let admin = try context.requireAdmin()
        let name = try context.pathParameter("name")
        do {
            let rotated = try await APIKeyAdmin(store: store).rotate(name: name, by: AuditActor(admin, sourceAddress: context.clientAddress))
            context.logger.info("api key rotated", metadata: ["key_name": .string(name), "by": .string(AuditActor(admin, sourceAddress: nil).name)])
            return KeyView(rotated.record, key: rotated.key)
        } catch let failure as APIKeyAdmin.Failure {
            throw Self.hubError(failure)
        }
    }

    /// `DELETE /keys/{name}`: the revoked key; 404 when no active key has the name.
    @Sendable func revoke(_ request: Request, context: HubRequestContext) async throws -> KeyView {
        let admin = try context.requireAdmin()
        let name = try context.pathParameter("name")
        guard try await APIKeyAdmin(store: store).revoke(name: name, by: AuditActor(admin, sourceAddress: context.clientAddress)) else {
            throw Self.hubError(.noActiveKey(name))
        }
        context.logger.info("api key revoked", metadata: ["key_name": .string(name), "by": .string(AuditActor(admin, sourceAddress: nil).name)])
        guard let record = try await store.keys().last(where: { $0.name == name }) else {
            throw HubError(.notFound, "no key named '\(name)'")
        }
        return KeyView(record)
    }

    /// Every scope, for messages.
    static var scopeNames: String { APIKeyScope.allCases.map(\.rawValue).joined(separator: ", ") }

    /// The API error for a key administration failure.
    static func hubError(_ failure: APIKeyAdmin.Failure) -> HubError {
        switch failure {
        case .nameTaken: HubError(.conflict, failure.description, field: "name")
        case .invalidName: HubError(.validationFailed, failure.description, field: "name")
        case .noActiveKey: HubError(.notFound, failure.description)
        case .adminScopeLimited: HubError(.validationFailed, failure.description, field: "substations")
        }
    }
}

extension SubstationGrants {
    /// The grants with each id checked; an empty list is a 422 (use "all" or name one).
    func checked(field: String = "substations") throws(HubError) -> SubstationScope {
        guard case .only(let set) = scope else { return .all }
        guard !set.isEmpty else {
            throw HubError(.validationFailed, "\(field) must list at least one substation id, or be \"all\"", field: field)
        }
        for id in set.sorted(by: { $0.rawValue < $1.rawValue }) {
            do {
                try Validator(now: .now()).identifier(id.rawValue, field)
            } catch {
                throw HubError(
                    .validationFailed, "\(field): substation id '\(id.rawValue)' \(error.message)", field: field)
            }
        }
        return scope
    }
}
