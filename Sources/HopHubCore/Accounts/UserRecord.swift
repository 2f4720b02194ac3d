/// A portal user as stored. The password is only ever held as its bcrypt hash.
public struct UserRecord: Sendable, Hashable {
    public var id: Int64
    /// The login, stored lower-cased (so audit rows and lookups agree); unique.
    public var email: String
    public var name: String
    public var orgName: String
    public var role: UserRole
    /// Inactive users cannot log in and have no sessions.
    public var active: Bool
    /// The substations the user may see.
    public var substations: SubstationScope
    /// The user wants alert mail (for granted substations only).
    public var alertOptIn: Bool
    public var passwordHash: String
    /// Failed logins counted since `firstFailureAt` (reset by a success, an unlock or the window passing).
    public var failedLogins: Int
    public var firstFailureAt: Int64?
    /// Login refused until this time (ms since the epoch) when set and in the future.
    public var lockedUntil: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: Int64 = 0, email: String, name: String, orgName: String = "", role: UserRole, active: Bool = true,
        substations: SubstationScope, alertOptIn: Bool = false, passwordHash: String, failedLogins: Int = 0,
        firstFailureAt: Int64? = nil, lockedUntil: Int64? = nil, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.orgName = orgName
        self.role = role
        self.active = active
        self.substations = substations
        self.alertOptIn = alertOptIn
        self.passwordHash = passwordHash
        self.failedLogins = failedLogins
        self.firstFailureAt = firstFailureAt
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the account is locked at `now` (ms).
    public func isLocked(at now: Int64) -> Bool { (lockedUntil ?? 0) > now }

    /// The caller this user becomes once authenticated.
    public var principal: Principal {
        Principal(kind: .user, name: email, scopes: role.scopes, substations: substations)
    }
}

/// What `AccountService.create` needs. Admins without `substations` get all of them.
public struct NewUser: Sendable, Hashable {
    public var email: String
    public var name: String
    public var orgName: String
    public var role: UserRole
    /// nil: all substations for admins; required for other roles.
    public var substations: SubstationScope?
    public var password: String
    public var alertOptIn: Bool

    public init(
        email: String, name: String, orgName: String = "", role: UserRole, substations: SubstationScope?,
        password: String, alertOptIn: Bool = false
    ) {
        self.email = email
        self.name = name
        self.orgName = orgName
        self.role = role
        self.substations = substations
        self.password = password
        self.alertOptIn = alertOptIn
    }
}

/// Fields `AccountService.update` changes; nil leaves a field as it is.
public struct UserChange: Sendable, Hashable {
    public var name: String?
    public var orgName: String?
    public var role: UserRole?
    public var substations: SubstationScope?
    public var active: Bool?
    public var alertOptIn: Bool?

    public init(
        name: String? = nil, orgName: String? = nil, role: UserRole? = nil, substations: SubstationScope? = nil,
        active: Bool? = nil, alertOptIn: Bool? = nil
    ) {
        self.name = name
        self.orgName = orgName
        self.role = role
        self.substations = substations
        self.active = active
        self.alertOptIn = alertOptIn
    }
}
