/// How long the hub's HTTP server waits for slow clients and how many connections one address may
/// hold (`http.*`). The hub is usually behind nginx, but it does not rely on it: a client that
/// opens connections and sends nothing, or dribbles a body, is closed by the hub itself.
public struct HTTPServerSettings: Sendable, Hashable {
    /// A connection with no request in progress — idle between requests, or whose request headers
    /// have not all arrived — is closed after this long, seconds.
    public var idleTimeoutSeconds = 60
    /// A request whose body stops arriving for this long (between two reads, as nginx's
    /// `client_body_timeout`) is cut off and its connection closed, seconds.
    public var readTimeoutSeconds = 30
    /// Open connections one peer address may hold; the next is answered 429 and closed. Peers in
    /// `http.trusted_proxies` (the nginx in front, which carries every client) are not counted.
    public var maxConnectionsPerAddress = 256

    public init() {}
}
