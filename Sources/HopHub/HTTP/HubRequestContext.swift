import HopProtocol
import Hummingbird
import Logging

/// Per-request state: the authenticated caller, set by `APIKeyMiddleware`.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are read by `BodyReader` with per-endpoint limits; this is only the outer bound.
    public var maxUploadSize: Int { 256 * 1024 * 1024 }

    /// The caller, or 401 when the route was reached without authentication (a wiring bug).
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw HubError(.unauthenticated, "authentication required") }
        return principal
    }
}
