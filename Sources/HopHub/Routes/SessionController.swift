import HopHubCore
import HopHubSQLite
import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import NIOCore

/// `POST /login`, `POST /logout` and `GET /api/session` (docs/accounts.md). The login body is
/// `{"email","password"}`; the answer sets the `hop_session` cookie and returns the session info,
/// including the CSRF token the portal must send back in `X-CSRF-Token`.
struct SessionController {
    let accounts: AccountService
    let client: ClientAddress

    init(accounts: AccountService) {
        self.accounts = accounts
        client = ClientAddress(trustedProxies: accounts.settings.trustedProxies)
    }

    /// `login`/`logout` on the root router, `session` on the authenticated `/api` group.
    func addRoutes(to router: Router<HubRequestContext>, api: RouterGroup<HubRequestContext>) {
        router.post("login", use: login)
        router.post("logout", use: logout)
        api.get("session", use: session)
    }

    struct Credentials: Decodable {
        var email: String
        var password: String
    }

    struct LoginAnswer: Encodable {
        var user: SessionInfo
    }

    @Sendable func login(_ request: Request, context: HubRequestContext) async throws -> Response {
        try Self.checkOrigin(request)
        let body = try await BodyReader(maxBytes: 16 * 1024, maxDecompressedBytes: 16 * 1024).read(request)
        let credentials = try BodyReader.decode(Credentials.self, from: body)
        let address = client.address(request, peer: context.peerAddress)
        // Rotation: whatever session the browser presents is ended; login always makes a new one.
        if let old = request.cookies[SessionCookie.name]?.value, !old.isEmpty {
            try await accounts.store.deleteSession(idHash: SessionToken.digest(old))
        }
        let success = try await accounts.login(email: credentials.email, password: credentials.password, from: address)
        let info = SessionInfo(success.session, idleTimeoutSeconds: accounts.settings.idleTimeoutSeconds)
        var response = try Self.json(LoginAnswer(user: info), status: .ok)
        response.setCookie(
            SessionCookie.set(
                success.sessionID, maxAgeSeconds: accounts.settings.absoluteTimeoutSeconds,
                secure: client.isSecure(request, peer: context.peerAddress)))
        return response
    }

    @Sendable func logout(_ request: Request, context: HubRequestContext) async throws -> Response {
        if let cookie = request.cookies[SessionCookie.name]?.value, !cookie.isEmpty,
            let session = try await accounts.authenticate(sessionID: cookie)
        {
            try AuthMiddleware.checkCSRF(request, session: session)
            try await accounts.logout(session, from: client.address(request, peer: context.peerAddress))
        }
        var response = Response(status: .noContent, headers: [.cacheControl: "no-store"])
        response.setCookie(SessionCookie.cleared(secure: client.isSecure(request, peer: context.peerAddress)))
        return response
    }

    @Sendable func session(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let session = context.session else {
            throw HubError(.unauthenticated, "no portal session: log in at /login (API keys have no session)")
        }
        return try Self.json(SessionInfo(session, idleTimeoutSeconds: accounts.settings.idleTimeoutSeconds), status: .ok)
    }

    /// A cross-site login form must not log the browser in: when `Origin` is sent, its host name
    /// must be the request's `Host` name. Ports are not compared: a proxy such as nginx passes
    /// `Host` without the port the browser used.
    static func checkOrigin(_ request: Request) throws(HubError) {
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? ""
        let originAuthority = origin.split(separator: "://", maxSplits: 1).last.map(String.init) ?? ""
        guard !host.isEmpty, hostName(originAuthority) == hostName(host) else {
            throw HubError(.forbidden, "login refused: the request's Origin (\(origin)) is not this site (\(host))")
        }
    }

    /// `host` of `host[:port]` or `[v6][:port]`, lower-cased.
    static func hostName(_ authority: String) -> String {
        let text = authority.lowercased()
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") { return String(text[...end]) }
        return text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
