/// One row of the append-only audit log: who did what, to what, when, from where, and how it ended.
/// docs/audit.md lists every action.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Assigned by the store; nil before the entry is appended.
    public var id: Int64?
    /// Milliseconds since the epoch (UTC).
    public var at: Int64
    /// The acting user's email, `key:<name>` for an API key, `cli` for the hop-hub command line, or the
    /// email typed at a failed login (which may not exist).
    public var actor: String
    public var action: AuditAction
    /// What was acted on: a user's email, a key name, a layer name; nil when nothing specific.
    public var target: String?
    /// Client address (IP) as the hub saw it, nil for the CLI.
    public var sourceAddress: String?
    public var outcome: AuditOutcome
    /// Human-readable specifics (changed fields, reason of a denial). Never a secret.
    public var detail: String

    public init(
        id: Int64? = nil, at: Int64, actor: String, action: AuditAction, target: String? = nil,
        sourceAddress: String? = nil, outcome: AuditOutcome = .success, detail: String = ""
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.sourceAddress = sourceAddress
        self.outcome = outcome
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case id, at, actor, action, target, outcome, detail
        case sourceAddress = "source_address"
    }
}

/// Whether the audited attempt took effect.
public enum AuditOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case success
    case failure
    case denied
}

/// What happened. The raw values are stable: auditors filter and export by them.
public enum AuditAction: String, Sendable, Hashable, Codable, CaseIterable {
    case login = "login"
    case logout = "logout"
    case sessionExpired = "session.expired"
    case lockout = "lockout"
    case unlock = "unlock"
    case userCreate = "user.create"
    case userUpdate = "user.update"
    case userDeactivate = "user.deactivate"
    case userGrant = "user.grant"
    case passwordReset = "user.password_reset"
    case sessionsEnd = "user.sessions_end"
    case keyCreate = "key.create"
    case keyRotate = "key.rotate"
    case keyRevoke = "key.revoke"
    case recipientsChange = "alerts.recipients_change"
    case layerUpload = "map.layer_upload"
    case layerDelete = "map.layer_delete"
    case adminDenied = "admin.denied"
    case alarmAcknowledge = "alarm.acknowledge"
    case alarmShelve = "alarm.shelve"
    case alarmUnshelve = "alarm.unshelve"
    case alarmRemoveFromService = "alarm.out_of_service"
    case alarmReturnToService = "alarm.return_to_service"
}

/// Which rows `AuditStore.auditEntries` returns, newest first.
public struct AuditFilter: Sendable, Hashable {
    public var actor: String?
    public var action: AuditAction?
    public var target: String?
    public var outcome: AuditOutcome?
    /// Inclusive lower bound, ms since the epoch.
    public var since: Int64?
    /// Exclusive upper bound, ms since the epoch.
    public var until: Int64?
    /// Only entries with a smaller id (keyset paging, newest first: the last id of the previous page).
    public var beforeID: Int64?
    public var limit: Int

    public init(
        actor: String? = nil, action: AuditAction? = nil, target: String? = nil, outcome: AuditOutcome? = nil,
        since: Int64? = nil, until: Int64? = nil, beforeID: Int64? = nil, limit: Int = 1000
    ) {
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.since = since
        self.until = until
        self.beforeID = beforeID
        self.limit = limit
    }
}

/// The audit log's storage: append and read, never update or delete (the SQLite table refuses both).
public protocol AuditStore: Sendable {
    @discardableResult
    func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry
    func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry]
}
