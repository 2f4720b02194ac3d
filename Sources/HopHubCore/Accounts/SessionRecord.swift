/// A portal session as stored: only the SHA-256 of its id, never the id itself.
public struct SessionRecord: Sendable, Hashable {
    /// Hex SHA-256 of the cookie value.
    public var idHash: String
    public var userID: Int64
    /// Sent back by the portal in `X-CSRF-Token` on every state-changing request.
    public var csrfToken: String
    public var createdAt: Int64
    /// Last use, written at most once a minute.
    public var lastSeen: Int64
    /// Absolute end (created + `sessions.absolute_timeout_s`), ms since the epoch.
    public var expiresAt: Int64

    public init(idHash: String, userID: Int64, csrfToken: String, createdAt: Int64, lastSeen: Int64, expiresAt: Int64) {
        self.idHash = idHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeen = lastSeen
        self.expiresAt = expiresAt
    }
}

/// A session that checked out, with its user; what the auth middleware puts in the context.
public struct AuthenticatedSession: Sendable, Hashable {
    public var session: SessionRecord
    public var user: UserRecord
    /// When it ends if unused from now on (ms), i.e. the earlier of the idle and absolute ends.
    public var idleExpiresAt: Int64

    public init(session: SessionRecord, user: UserRecord, idleExpiresAt: Int64) {
        self.session = session
        self.user = user
        self.idleExpiresAt = idleExpiresAt
    }
}
