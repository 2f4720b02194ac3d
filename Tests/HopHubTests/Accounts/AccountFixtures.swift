import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// A clock the test moves by hand (ms since the epoch).
final class AccountTestClock: Sendable {
    let ms: Atomic<Int64>

    init(_ start: Int64 = 1_800_000_000_000) {
        ms = Atomic(start)
    }

    func advance(seconds: Int64) { ms.add(seconds * 1000, ordering: .relaxed) }

    var clock: AccountClock { AccountClock { [self] in ms.load(ordering: .relaxed) } }
}

enum AccountFixtures {
    static let password = "Correct horse 42"

    /// Settings with a cheap bcrypt cost (tests only) and small limits.
    static func settings(_ change: (inout AccountSettings) -> Void = { _ in }) -> AccountSettings {
        var s = AccountSettings()
        s.bcryptCost = 4
        change(&s)
        return s
    }

    /// A hub with cost-4 bcrypt and an operator `op@example.com` granted SUB001, an admin and an executive granted SUB002.
    static func hub(
        _ backend: StoreContractTests.Backend = .sqlite, _ change: @escaping (inout HubConfiguration) -> Void = { _ in }
    ) async throws -> TestHub {
        let t = try await TestHub.make(backend) { config in
            config.accounts.bcryptCost = 4
            change(&config)
        }
        let a = t.hub.accounts
        try await a.create(NewUser(email: "op@example.com", name: "Op", role: .operator, substations: .only(["SUB001"]), password: password), by: .cli)
        try await a.create(NewUser(email: "admin@example.com", name: "Admin", role: .admin, substations: nil, password: password), by: .cli)
        try await a.create(NewUser(email: "exec@example.com", name: "Exec", role: .executive, substations: .only(["SUB002"]), password: password), by: .cli)
        return t
    }

    /// An account service over `t`'s store with an injected clock.
    static func service(_ t: TestHub, clock: AccountTestClock, _ change: (inout AccountSettings) -> Void = { _ in }) -> AccountService {
        AccountService(store: t.hub.store, settings: settings(change), clock: clock.clock, logger: Logger(label: "test"))
    }
}

/// A logged-in browser as the tests see it: the cookie value and the CSRF token.
struct Browser: Sendable {
    var cookie: String
    var csrf: String
}

extension TestClientProtocol {
    func login(_ email: String, _ password: String = AccountFixtures.password, cookie: String? = nil, origin: String? = nil)
        async throws -> TestResponse
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let cookie { headers[.cookie] = "hop_session=\(cookie)" }
        if let origin { headers[.origin] = origin }
        let body = try String(decoding: JSONEncoder().encode(["email": email, "password": password]), as: UTF8.self)
        return try await execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Logs in and returns the cookie and CSRF token; fails the test when login fails.
    func browser(_ email: String) async throws -> Browser {
        let response = try await login(email)
        guard response.status == .ok, let cookie = response.sessionCookie?.value else {
            throw TestFailure("login of \(email) answered \(response.status): \(response.text)")
        }
        return Browser(cookie: cookie, csrf: try response.decode(LoginAnswer.self).user.csrf_token)
    }

    func request(
        _ path: String, _ method: HTTPRequest.Method = .get, as browser: Browser, csrf: String? = nil, body: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.cookie: "hop_session=\(browser.cookie)", .contentType: "application/json"]
        if let csrf { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        return try await execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The `hop_session` Set-Cookie of this response, parsed.
    var sessionCookie: SetCookie? {
        headers[values: .setCookie].map(SetCookie.init).first { $0.name == "hop_session" }
    }
}

/// The part of a `POST /login` answer the tests need.
struct LoginAnswer: Decodable {
    struct User: Decodable { var csrf_token: String }
    var user: User
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A `Set-Cookie` header: name, value and attributes (lower-cased names).
struct SetCookie {
    var name: String
    var value: String
    var attributes: [String: String]

    init(_ header: String) {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let pair = parts.first?.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false) ?? []
        name = pair.first.map(String.init) ?? ""
        value = pair.count > 1 ? String(pair[1]) : ""
        var attributes: [String: String] = [:]
        for part in parts.dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            attributes[kv[0].lowercased()] = kv.count > 1 ? String(kv[1]) : ""
        }
        self.attributes = attributes
    }
}
