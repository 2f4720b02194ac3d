import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import NIOCore
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// A logged-in portal user: the session cookie and the CSRF token from `GET /api/session`.
struct PortalLogin: Sendable {
    var cookie: String
    var csrf: String

    /// Headers carrying the cookie, and the CSRF token unless `csrf` is false.
    func headers(csrf withToken: Bool = true) -> HTTPFields {
        var fields: HTTPFields = [.cookie: "hop_session=\(cookie)"]
        if withToken { fields[HTTPField.Name("X-CSRF-Token")!] = csrf }
        return fields
    }
}

extension TestHub {
    /// A hub whose bcrypt is cheap (cost 4) so tests that log in stay fast.
    static func makeForAdmin(
        _ backend: StoreContractTests.Backend = .sqlite, _ change: @escaping (inout HubConfiguration) -> Void = { _ in }
    ) async throws -> TestHub {
        try await make(backend) { config in
            config.accounts.bcryptCost = 4
            change(&config)
        }
    }

    /// Creates a user directly through `AccountService` (as the CLI would).
    @discardableResult
    func makeUser(
        _ email: String, role: UserRole, substations: SubstationScope?, password: String = "correct horse battery staple"
    ) async throws -> UserRecord {
        try await hub.accounts.create(
            NewUser(email: email, name: email, role: role, substations: substations, password: password), by: .cli)
    }
}

extension TestClientProtocol {
    /// Logs in; nil (with the status) when the hub refuses.
    func portalLogin(_ email: String, _ password: String = "correct horse battery staple") async throws -> (PortalLogin?, TestResponse) {
        let body = try JSONEncoder().encode(["email": email, "password": password])
        let answer = try await execute(
            uri: "/login", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
        guard answer.status == .ok,
            let setCookie = answer.headers[values: .setCookie].first(where: { $0.hasPrefix("hop_session=") }),
            let value = setCookie.split(separator: ";").first?.dropFirst("hop_session=".count)
        else { return (nil, answer) }
        let cookie = String(value)
        let info = try await execute(uri: "/api/session", method: .get, headers: [.cookie: "hop_session=\(cookie)"])
        let csrf = (try? JSONSerialization.jsonObject(with: Data(info.body.readableBytesView)) as? [String: Any])?["csrf_token"] as? String
        return (PortalLogin(cookie: cookie, csrf: csrf ?? ""), answer)
    }

    /// A request made with a portal session.
    func send(
        _ method: HTTPRequest.Method, _ path: String, session: PortalLogin, json: String? = nil, csrf: Bool = true
    ) async throws -> TestResponse {
        try await send(method, path, key: nil, json: json, headers: session.headers(csrf: csrf))
    }
}
