import Foundation
import HopProtocol

/// `"all"` or a sorted list of substation ids, as the JSON of users and sessions shows grants.
public struct SubstationGrants: Codable, Sendable, Hashable {
    public var scope: SubstationScope

    public init(_ scope: SubstationScope) {
        self.scope = scope
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard text == "all" else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "substations must be \"all\" or a list of substation ids")
            }
            scope = .all
        } else {
            let list = try container.decode([String].self)
            scope = .only(Set(list.map { SubstationID($0.trimmingCharacters(in: .whitespaces)) }))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch scope {
        case .all: try container.encode("all")
        case .only(let set): try container.encode(set.map(\.rawValue).sorted())
        }
    }
}

/// A user as listed to admins and the CLI: everything but the password hash.
public struct UserSummary: Codable, Sendable, Hashable {
    public var email: String
    public var name: String
    public var orgName: String
    public var role: UserRole
    public var substations: SubstationGrants
    public var active: Bool
    public var alertOptIn: Bool
    /// RFC 3339 end of a current lockout, else nil.
    public var lockedUntil: String?
    public var failedLogins: Int
    public var createdAt: String
    public var updatedAt: String

    public init(_ user: UserRecord, now: Int64 = SourceTime.now().epochMilliseconds) {
        email = user.email
        name = user.name
        orgName = user.orgName
        role = user.role
        substations = SubstationGrants(user.substations)
        active = user.active
        alertOptIn = user.alertOptIn
        lockedUntil = user.isLocked(at: now) ? user.lockedUntil.map { SourceTime(epochMilliseconds: $0).rfc3339 } : nil
        failedLogins = user.failedLogins
        createdAt = SourceTime(epochMilliseconds: user.createdAt).rfc3339
        updatedAt = SourceTime(epochMilliseconds: user.updatedAt).rfc3339
    }

    enum CodingKeys: String, CodingKey {
        case email, name, role, substations, active
        case orgName = "org_name"
        case alertOptIn = "alert_opt_in"
        case lockedUntil = "locked_until"
        case failedLogins = "failed_logins"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// `GET /api/session` and the `user` of `POST /login`: who is logged in and what the portal needs.
public struct SessionInfo: Codable, Sendable, Hashable {
    public var email: String
    public var name: String
    public var orgName: String
    public var role: UserRole
    public var substations: SubstationGrants
    public var csrfToken: String
    public var defaultTab: String
    public var idleTimeoutSeconds: Int
    public var absoluteExpiresAt: String

    public init(_ session: AuthenticatedSession, idleTimeoutSeconds: Int) {
        email = session.user.email
        name = session.user.name
        orgName = session.user.orgName
        role = session.user.role
        substations = SubstationGrants(session.user.substations)
        csrfToken = session.session.csrfToken
        defaultTab = session.user.role.defaultTab
        self.idleTimeoutSeconds = idleTimeoutSeconds
        absoluteExpiresAt = SourceTime(epochMilliseconds: session.session.expiresAt).rfc3339
    }

    enum CodingKeys: String, CodingKey {
        case email, name, role, substations
        case orgName = "org_name"
        case csrfToken = "csrf_token"
        case defaultTab = "default_tab"
        case idleTimeoutSeconds = "idle_timeout_s"
        case absoluteExpiresAt = "absolute_expires_at"
    }
}
