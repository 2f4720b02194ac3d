import Foundation
import HopProtocol
import HummingbirdBcrypt
import Logging

/// Every change to users goes through here — the CLI, the session routes and the admin API alike —
/// and each one appends an audit entry naming the actor and their address. Errors are `HubError`s
/// (404 unknown user, 409 email taken, 422 bad field) whose messages the CLI prints as they are.
public struct AccountService: Sendable {
    public let store: any AccountStore
    public let settings: AccountSettings
    public let hasher: PasswordHasher
    public let clock: AccountClock
    let logger: Logger
    /// Checked against when the email is unknown, so that answer takes as long as a wrong password.
    let dummyHash: String
    /// Called with a user's email when their sessions end or their rights change, so open live
    /// streams (which hold the rights they started with) can be closed too. `Hub` wires it to the
    /// live feed when there is one.
    public var onAccessChanged: @Sendable (String) async -> Void = { _ in }

    public init(store: any AccountStore, settings: AccountSettings, clock: AccountClock = .system, logger: Logger) {
        self.store = store
        self.settings = settings
        self.hasher = PasswordHasher(cost: settings.bcryptCost)
        self.clock = clock
        self.logger = logger
        dummyHash = Bcrypt.hash("not-a-password-\(SessionToken.random())", cost: UInt8(clamping: settings.bcryptCost))
    }

    public func users() async throws -> [UserRecord] { try await store.users() }

    public func user(email: String) async throws -> UserRecord? { try await store.user(email: email) }

    /// Creates a user (audited `user.create`, in the same transaction). Admins always have every
    /// substation: an admin given a list is a 422 naming `substations`. `limit` is the caller's own
    /// substations; a user beyond them is a 403 naming `substations`.
    @discardableResult
    public func create(_ new: NewUser, by actor: AuditActor, limit: SubstationScope = .all) async throws -> UserRecord {
        let email = try Self.checkedEmail(new.email)
        let name = try Self.checkedText(new.name, field: "name", required: true)
        let orgName = try Self.checkedText(new.orgName, field: "org_name", required: false)
        let substations: SubstationScope
        if new.role == .admin {
            try Self.requireAllForAdmin(new.substations ?? .all)
            substations = .all
        } else if let given = new.substations {
            substations = given
        } else {
            throw HubError(
                .validationFailed, "a \(new.role.rawValue) needs substations: a list (e.g. SUB001,SUB002) or all",
                field: "substations")
        }
        try Self.requireWithin(substations, limit: limit)
        if let problem = PasswordPolicy.problem(new.password, email: email) {
            throw HubError(.validationFailed, problem, field: "password")
        }
        let now = clock.now()
        let record = UserRecord(
            email: email, name: name, orgName: orgName, role: new.role, substations: substations,
            alertOptIn: new.alertOptIn, passwordHash: try await hasher.hash(new.password), createdAt: now, updatedAt: now)
        let entry = actor.entry(
            .userCreate, target: email,
            detail: "role=\(record.role.rawValue) substations=\(record.substations.listText) alert_opt_in=\(record.alertOptIn)",
            at: now)
        guard let stored = try await store.insertUser(record, audit: entry) else {
            try await audit(actor, .userCreate, email, .failure, "email already in use", at: now)
            throw HubError(.conflict, "a user with email '\(email)' already exists", field: "email")
        }
        return stored
    }

    /// Changes the given fields (audited `user.update`, or `user.deactivate` when `active` goes
    /// false — which also ends the user's sessions at once — in the same transaction). A user made
    /// admin gets every substation; an admin given a list is a 422. `limit` as in `create`.
    @discardableResult
    public func update(email: String, _ change: UserChange, by actor: AuditActor, limit: SubstationScope = .all)
        async throws -> UserRecord
    {
        var user = try await existing(email)
        let before = user
        if let name = change.name { user.name = try Self.checkedText(name, field: "name", required: true) }
        if let org = change.orgName { user.orgName = try Self.checkedText(org, field: "org_name", required: false) }
        if let role = change.role { user.role = role }
        if let substations = change.substations { user.substations = substations }
        if user.role == .admin {
            try Self.requireAllForAdmin(change.substations ?? .all)
            user.substations = .all
        }
        if let active = change.active { user.active = active }
        if let optIn = change.alertOptIn { user.alertOptIn = optIn }
        if user.substations != before.substations { try Self.requireWithin(user.substations, limit: limit) }
        let changes = Self.describe(before, user)
        guard !changes.isEmpty else { return user }
        user.updatedAt = clock.now()
        let deactivated = before.active && !user.active
        let at = user.updatedAt
        var entries = [actor.entry(deactivated ? .userDeactivate : .userUpdate, target: user.email, detail: changes, at: at)]
        if before.alertOptIn != user.alertOptIn {
            entries.append(
                actor.entry(
                    .recipientsChange, target: user.email, detail: "alert_opt_in \(before.alertOptIn)→\(user.alertOptIn)", at: at))
        }
        // Requests read the user row each time, so new rights apply at the next request; sessions
        // of a deactivated user are deleted (with the change) so nothing of theirs outlives it.
        try await store.updateUser(user, endSessions: deactivated, clearLock: false) { [entries] _ in entries }
        if deactivated || before.role != user.role || before.substations != user.substations {
            await onAccessChanged(user.email)
        }
        return user
    }

    /// Deactivates the user: they cannot log in and their sessions end now.
    @discardableResult
    public func deactivate(email: String, by actor: AuditActor) async throws -> UserRecord {
        try await update(email: email, UserChange(active: false), by: actor)
    }

    /// Replaces the user's grants (audited `user.grant`, same transaction); they apply from the
    /// user's next request. An admin's grants are always all (422 otherwise).
    @discardableResult
    public func grant(email: String, substations: SubstationScope, by actor: AuditActor, limit: SubstationScope = .all)
        async throws -> UserRecord
    {
        var user = try await existing(email)
        if user.role == .admin { try Self.requireAllForAdmin(substations) }
        try Self.requireWithin(substations, limit: limit)
        let before = user.substations
        user.substations = substations
        user.updatedAt = clock.now()
        let entry = actor.entry(
            .userGrant, target: user.email, detail: "substations \(before.listText)→\(substations.listText)", at: user.updatedAt)
        try await store.updateUser(user, endSessions: false, clearLock: false) { _ in [entry] }
        if before != substations { await onAccessChanged(user.email) }
        return user
    }

    /// Sets a new password (policy checked), clears any lockout and ends the user's sessions — with
    /// its audit row, in one transaction.
    public func resetPassword(email: String, password: String, by actor: AuditActor) async throws {
        var user = try await existing(email)
        if let problem = PasswordPolicy.problem(password, email: user.email) {
            throw HubError(.validationFailed, problem, field: "password")
        }
        user.passwordHash = try await hasher.hash(password)
        user.updatedAt = clock.now()
        let (target, at) = (user.email, user.updatedAt)
        try await store.updateUser(user, endSessions: true, clearLock: true) { ended in
            [actor.entry(.passwordReset, target: target, detail: "sessions ended: \(ended)", at: at)]
        }
        await onAccessChanged(user.email)
    }

    /// Clears the account's lockout and failure count (audited `unlock`, same transaction).
    public func unlock(email: String, by actor: AuditActor) async throws {
        let user = try await existing(email)
        let now = clock.now()
        let detail = user.isLocked(at: now) ? "account unlocked" : "account was not locked; failures cleared"
        try await store.clearLoginThrottle(
            LoginThrottleKeys.account(user.email.lowercased()), audit: actor.entry(.unlock, target: user.email, detail: detail, at: now))
    }

    /// Clears a source address's lockout (IPv6: its /64; audited `unlock` with the address as target).
    public func unlockAddress(_ address: String, by actor: AuditActor) async throws {
        try await store.clearLoginThrottle(
            LoginThrottleKeys.address(address),
            audit: actor.entry(.unlock, target: AddressBucket.bucket(address), detail: "source address unlocked", at: clock.now()))
    }

    /// Ends every session of the user now (audited `user.sessions_end`, same transaction); returns how many ended.
    @discardableResult
    public func endSessions(email: String, by actor: AuditActor) async throws -> Int {
        let user = try await existing(email)
        let (target, at) = (user.email, clock.now())
        let ended = try await store.deleteSessions(userID: user.id) { ended in
            actor.entry(.sessionsEnd, target: target, detail: "sessions ended: \(ended)", at: at)
        }
        await onAccessChanged(user.email)
        return ended
    }

    /// 422 naming `substations` unless `substations` is all: the admin role always has every substation.
    static func requireAllForAdmin(_ substations: SubstationScope) throws(HubError) {
        guard substations == .all else {
            throw HubError(
                .validationFailed,
                "an admin always has all substations (admins manage every user and key); leave substations out or send \"all\"",
                field: "substations")
        }
    }

    /// 403 naming `substations` when `substations` reaches beyond the caller's own `limit`.
    package static func requireWithin(_ substations: SubstationScope, limit: SubstationScope) throws(HubError) {
        guard let allowed = limit.substations else { return }
        guard let wanted = substations.substations, wanted.isSubset(of: allowed) else {
            throw HubError(
                .forbidden,
                "you may grant only substations you have yourself (\(limit.listText)), not \(substations.listText)",
                field: "substations")
        }
    }

    // MARK: - helpers

    func existing(_ email: String) async throws -> UserRecord {
        guard let user = try await store.user(email: email.trimmingCharacters(in: .whitespaces)) else {
            throw HubError(.notFound, "no user with email '\(email)'", field: "email")
        }
        return user
    }

    func audit(
        _ actor: AuditActor, _ action: AuditAction, _ target: String?, _ outcome: AuditOutcome, _ detail: String, at: Int64
    ) async throws {
        try await store.appendAudit(actor.entry(action, target: target, outcome: outcome, detail: detail, at: at))
    }

    /// The longest name or organisation accepted, in characters.
    static let maxTextLength = 200

    /// A name or organisation as stored: trimmed, at most `maxTextLength` characters, no control
    /// characters (they would corrupt the audit CSV, mail headers and terminal listings).
    static func checkedText(_ raw: String, field: String, required: Bool) throws(HubError) -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if required, text.isEmpty { throw HubError(.validationFailed, "\(field) must not be empty", field: field) }
        guard text.count <= maxTextLength else {
            throw HubError(.validationFailed, "\(field) must be at most \(maxTextLength) characters", field: field)
        }
        if let bad = text.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw HubError(
                .validationFailed,
                "\(field) must not contain control characters (found U+\(String(bad.value, radix: 16, uppercase: true)))",
                field: field)
        }
        return text
    }

    static func checkedEmail(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !email.contains(where: { $0.isWhitespace || $0 == "," })
        else {
            throw HubError(.validationFailed, "'\(raw)' is not an email address (name@domain.tld)", field: "email")
        }
        return email
    }

    /// `field old→new` for each changed field, comma-separated.
    static func describe(_ a: UserRecord, _ b: UserRecord) -> String {
        var parts: [String] = []
        if a.name != b.name { parts.append("name '\(a.name)'→'\(b.name)'") }
        if a.orgName != b.orgName { parts.append("org_name '\(a.orgName)'→'\(b.orgName)'") }
        if a.role != b.role { parts.append("role \(a.role.rawValue)→\(b.role.rawValue)") }
        if a.substations != b.substations { parts.append("substations \(a.substations.listText)→\(b.substations.listText)") }
        if a.active != b.active { parts.append("active \(a.active)→\(b.active)") }
        if a.alertOptIn != b.alertOptIn { parts.append("alert_opt_in \(a.alertOptIn)→\(b.alertOptIn)") }
        return parts.joined(separator: ", ")
    }
}
