import HopHubCore
import HopHubSQLite
import HopProtocol
import Hummingbird
import Logging
import NIOCore

/// Per-request state: the authenticated caller (set by `AuthMiddleware`) and the peer address.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The portal session when the caller authenticated with the session cookie.
    public var session: AuthenticatedSession?
    /// The TCP peer's IP address (nil for in-process tests).
    public let peerAddress: String?
    /// The client's address as `http.trusted_proxies` lets us believe it (the peer, or the
    /// `X-Forwarded-For` client behind a trusted proxy); set by `AuthMiddleware` for `/api` routes,
    /// else the peer. Use this one for audit rows.
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
        clientAddress = peerAddress
    }

    /// Bodies are read by `BodyReader` with per-endpoint limits; this is only the outer bound.
    public var maxUploadSize: Int { 256 * 1024 * 1024 }

    /// The caller, or 401 when the route was reached without authentication (a wiring bug).
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw HubError(.unauthenticated, "authentication required") }
        return principal
    }
}
