/// Settings of accounts, sessions and login throttling (`accounts.*`, `sessions.*`, `login.*`,
/// `http.trusted_proxies`). docs/accounts.md explains each; defaults are set here.
public struct AccountSettings: Sendable, Hashable {
    /// bcrypt work factor for new password hashes (4…31; each step doubles the cost).
    public var bcryptCost = 12
    /// A session unused for this long ends, seconds.
    public var idleTimeoutSeconds = 1800
    /// A session ends this long after login whatever its use, seconds.
    public var absoluteTimeoutSeconds = 43_200
    /// Failed logins of one account within `failureWindowSeconds` that lock it.
    public var maxFailures = 5
    /// Failed logins from one source address within `failureWindowSeconds` that lock the address.
    public var maxFailuresPerAddress = 20
    /// The window in which failures are counted, seconds.
    public var failureWindowSeconds = 900
    /// How long a locked account or address stays locked, seconds.
    public var lockoutSeconds = 900
    /// Peers whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed (e.g. the nginx in front).
    public var trustedProxies: Set<String> = []

    public init() {}

    /// `last_seen` is written at most this often per session, milliseconds.
    public static let touchIntervalMs: Int64 = 60_000
}
