import HopHubCore
import HopHubSQLite
import Foundation
import HopProtocol
import Hummingbird
import Logging
import NIOCore

/// `/api/admin/users`: list, create, change, reset password, unlock and end sessions. Admin scope
/// only. Every change goes through `AccountService`, which checks the policy and appends the audit
/// entry (this controller never writes users itself). Errors: 404 unknown user, 409 email taken,
/// 422 naming the field.
struct AdminUsersController {
    let accounts: AccountService

    /// Registers the user routes on the `/api/admin` group.
    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("users", use: list)
        group.post("users", use: create)
        group.patch("users/:email", use: update)
        group.post("users/:email/password", use: resetPassword)
        group.post("users/:email/unlock", use: unlock)
        group.delete("users/:email/sessions", use: endSessions)
    }

    /// The body of `POST /users`.
    struct CreateBody: Decodable {
        var email: String
        var name: String
        var orgName: String?
        var role: String
        var substations: SubstationGrants?
        var password: String
        var alertOptIn: Bool?

        enum CodingKeys: String, CodingKey {
            case email, name, role, substations, password
            case orgName = "org_name"
            case alertOptIn = "alert_opt_in"
        }
    }

    /// The body of `PATCH /users/{email}`: only the fields sent change.
    struct ChangeBody: Decodable {
        var name: String?
        var orgName: String?
        var role: String?
        var substations: SubstationGrants?
        var active: Bool?
        var alertOptIn: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, role, substations, active
            case orgName = "org_name"
            case alertOptIn = "alert_opt_in"
        }
    }

    /// The body of `POST /users/{email}/password`.
    struct PasswordBody: Decodable {
        var password: String
    }

    /// The answer of `DELETE /users/{email}/sessions`.
    struct SessionsEnded: ResponseEncodable {
        var email: String
        var sessionsEnded: Int

        enum CodingKeys: String, CodingKey {
            case email
            case sessionsEnded = "sessions_ended"
        }
    }

    /// `GET /users`: every user, never a password hash.
    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> [UserSummary] {
        _ = try context.requireAdmin()
        let now = SourceTime.now().epochMilliseconds
        return try await accounts.users().map { UserSummary($0, now: now) }
    }

    /// `POST /users`: 201 with the new user.
    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<UserSummary> {
        let actor = try self.actor(request, context)
        let limit = try context.requireAdmin().substations
        let body = try BodyReader.decode(CreateBody.self, from: try await AdminKeysController.bodyReader.read(request))
        let new = NewUser(
            email: body.email, name: body.name, orgName: body.orgName ?? "", role: try Self.role(body.role),
            substations: try body.substations?.checked(), password: body.password, alertOptIn: body.alertOptIn ?? false)
        let user = try await accounts.create(new, by: actor, limit: limit)
        context.logger.info("user created", metadata: ["user": .string(user.email), "by": .string(actor.name)])
        return EditedResponse(status: .created, response: UserSummary(user))
    }

    /// `PATCH /users/{email}`: the user after the change.
    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> UserSummary {
        let actor = try self.actor(request, context)
        let limit = try context.requireAdmin().substations
        let email = try context.pathParameter("email")
        let buffer = try await AdminKeysController.bodyReader.read(request)
        try Self.refuseUnknownFields(buffer)
        let body = try BodyReader.decode(ChangeBody.self, from: buffer)
        let change = UserChange(
            name: body.name, orgName: body.orgName, role: try body.role.map(Self.role),
            substations: try body.substations?.checked(), active: body.active, alertOptIn: body.alertOptIn)
        let user = try await accounts.update(email: email, change, by: actor, limit: limit)
        context.logger.info("user updated", metadata: ["user": .string(user.email), "by": .string(actor.name)])
        return UserSummary(user)
    }

    /// `POST /users/{email}/password`: 204; lockout cleared, sessions ended.
    @Sendable func resetPassword(_ request: Request, context: HubRequestContext) async throws -> Response {
        let actor = try self.actor(request, context)
        let email = try context.pathParameter("email")
        let body = try BodyReader.decode(PasswordBody.self, from: try await AdminKeysController.bodyReader.read(request))
        try await accounts.resetPassword(email: email, password: body.password, by: actor)
        context.logger.info("user password reset", metadata: ["user": .string(email), "by": .string(actor.name)])
        return Response(status: .noContent)
    }

    /// `POST /users/{email}/unlock`: the user with the lockout cleared.
    @Sendable func unlock(_ request: Request, context: HubRequestContext) async throws -> UserSummary {
        let actor = try self.actor(request, context)
        let email = try context.pathParameter("email")
        try await accounts.unlock(email: email, by: actor)
        context.logger.info("user unlocked", metadata: ["user": .string(email), "by": .string(actor.name)])
        guard let user = try await accounts.user(email: email) else {
            throw HubError(.notFound, "no user with email '\(email)'", field: "email")
        }
        return UserSummary(user)
    }

    /// `DELETE /users/{email}/sessions`: how many sessions ended.
    @Sendable func endSessions(_ request: Request, context: HubRequestContext) async throws -> SessionsEnded {
        let actor = try self.actor(request, context)
        let email = try context.pathParameter("email")
        let ended = try await accounts.endSessions(email: email, by: actor)
        context.logger.info("user sessions ended", metadata: ["user": .string(email), "by": .string(actor.name)])
        return SessionsEnded(email: email, sessionsEnded: ended)
    }

    /// The admin making the request, as the audit log names them.
    private func actor(_ request: Request, _ context: HubRequestContext) throws -> AuditActor {
        AuditActor(try context.requireAdmin(), sourceAddress: context.clientAddress)
    }

    /// A role from its name; 422 naming `role` otherwise.
    static func role(_ text: String) throws(HubError) -> UserRole {
        guard let role = UserRole(rawValue: text) else {
            throw HubError(
                .validationFailed,
                "role '\(text)' is not one of \(UserRole.allCases.map(\.rawValue).joined(separator: ", "))", field: "role")
        }
        return role
    }

    /// A PATCH naming a field it cannot change (email, password, a typo) is a 422 naming it, not a silent no-op.
    static func refuseUnknownFields(_ buffer: ByteBuffer) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else { return }  // not an object: the decoder reports it
        let known = Set(ChangeBody.CodingKeys.allCases.map(\.rawValue))
        for key in object.keys.sorted() where !known.contains(key) {
            let hint = key == "password" ? "; use POST /api/admin/users/{email}/password" : ""
            throw HubError(
                .validationFailed,
                "'\(key)' cannot be changed here (changeable: \(known.sorted().joined(separator: ", ")))\(hint)",
                field: key)
        }
    }
}

extension UserSummary: ResponseEncodable {}
