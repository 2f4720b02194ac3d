import HopHubCore
import HopHubSQLite
import HTTPTypes
import HopProtocol
import Hummingbird
import Logging

/// The one authorization entry of `/api`: `X-API-Key` (machines) or the `hop_session` cookie
/// (portal users), either way a `Principal` in the context. A key wins when both are sent.
/// Missing, malformed, unknown or revoked keys are all a 401 with the same message, so a caller
/// cannot probe which key ids exist. Cookie-authenticated requests other than GET/HEAD must carry
/// `X-CSRF-Token` equal to the session's token.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = HubRequestContext
    let keys: any APIKeyStore
    let accounts: AccountService
    let client: ClientAddress

    public init(keys: any APIKeyStore, accounts: AccountService) {
        self.keys = keys
        self.accounts = accounts
        self.client = ClientAddress(trustedProxies: accounts.settings.trustedProxies)
    }

    static let apiKeyHeader = HTTPField.Name("X-API-Key")!
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    public func handle(
        _ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.clientAddress = client.address(request, peer: context.peerAddress)
        if let presented = request.headers[Self.apiKeyHeader] {
            context.principal = try await keyPrincipal(presented)
            context.logger[metadataKey: "api_key"] = .string(context.principal!.name)
        } else if let cookie = request.cookies[SessionCookie.name]?.value, !cookie.isEmpty {
            let session = try await checkedSession(cookie, request: request)
            context.principal = session.user.principal
            context.session = session
            context.logger[metadataKey: "user"] = .string(session.user.email)
        } else {
            throw HubError(.unauthenticated, "missing X-API-Key header or session cookie (log in at /login)")
        }
        return try await next(request, context)
    }

    func keyPrincipal(_ presented: String) async throws -> Principal {
        guard let parts = APIKeyGenerator.parse(presented),
            let record = try await keys.key(id: parts.id),
            record.revokedAt == nil,
            APIKeyGenerator.matches(parts.secret, digest: record.secretHash)
        else {
            throw HubError(.unauthenticated, "invalid or revoked API key")
        }
        return Principal(kind: .apiKey, name: record.name, scopes: record.scopes, substations: record.substations)
    }

    /// The cookie's live session, with the CSRF check for state-changing methods.
    func checkedSession(_ cookie: String, request: Request) async throws -> AuthenticatedSession {
        guard let session = try await accounts.authenticate(sessionID: cookie) else {
            throw HubError(.unauthenticated, "session expired or ended; log in again at /login")
        }
        try Self.checkCSRF(request, session: session)
        return session
    }

    /// 403 unless a GET/HEAD, or `X-CSRF-Token` equals the session's token (constant-time).
    static func checkCSRF(_ request: Request, session: AuthenticatedSession) throws(HubError) {
        guard request.method != .get, request.method != .head else { return }
        guard let token = request.headers[csrfHeader], SessionToken.equal(token, session.session.csrfToken) else {
            throw HubError(
                .forbidden,
                "missing or wrong X-CSRF-Token header: state-changing requests made with the session cookie must send the CSRF token from GET /api/session")
        }
    }
}
