import HopHubCore
import HopHubSQLite
import HopProtocol
import HTTPTypes
import Hummingbird

/// HTTP/1.1 requires exactly one `Host` header (RFC 9112 §3.2): a request with none or with two is
/// a 400, since the two may be read differently by a proxy in front and by the hub.
struct HostHeaderMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    /// The first `Host` is the request's authority; any further one stays among the header fields.
    static let host = HTTPField.Name("Host")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authority = request.head.authority, !authority.isEmpty else {
            throw HubError(.malformedRequest, "the request has no Host header")
        }
        guard request.headers[Self.host] == nil else {
            throw HubError(.malformedRequest, "the request has more than one Host header")
        }
        return try await next(request, context)
    }
}
