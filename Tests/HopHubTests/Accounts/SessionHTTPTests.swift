import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `/login`, `/logout`, `/api/session` and the cookie path of the auth middleware, over a real socket.
@Suite struct SessionHTTPTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func loginSetsAStrictHttpOnlyCookieAndSessionDescribesTheUser(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        try await t.live { client in
            let response = try await client.login("OP@example.com")
            #expect(response.status == .ok)
            let cookie = try #require(response.sessionCookie)
            #expect(cookie.value.count >= 43)
            #expect(cookie.attributes["httponly"] != nil && cookie.attributes["samesite"]?.lowercased() == "strict")
            #expect(cookie.attributes["path"] == "/" && cookie.attributes["secure"] == nil)
            let browser = try await client.browser("op@example.com")
            let session = try await client.request("/api/session", as: browser)
            #expect(session.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(session.body.readableBytesView)) as? [String: Any])
            #expect(json["email"] as? String == "op@example.com" && json["role"] as? String == "operator")
            #expect(json["substations"] as? [String] == ["SUB001"] && json["default_tab"] as? String == "telemetry")
            #expect(json["csrf_token"] as? String == browser.csrf && json["idle_timeout_s"] as? Int == 1800)
            #expect(json["absolute_expires_at"] is String)
            let admin = try await client.browser("admin@example.com")
            let adminJSON = try JSONSerialization.jsonObject(with: Data(try await client.request("/api/session", as: admin).body.readableBytesView)) as? [String: Any]
            #expect(adminJSON?["substations"] as? String == "all")
            let exec = try await client.browser("exec@example.com")
            #expect(try await client.request("/api/session", as: exec).text.contains(#""default_tab":"executive""#))
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func badCredentialsAreOneMessageAndAPIKeysHaveNoSession(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        try await t.live { client in
            let wrong = try await client.login("op@example.com", "Wrong password 9")
            let unknown = try await client.login("nobody@example.com", "Wrong password 9")
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.errorBody?.error.message == "wrong email or password" && unknown.errorBody?.error.message == wrong.errorBody?.error.message)
            #expect(wrong.sessionCookie == nil)
            #expect(try await client.get("/api/session", key: nil).status == .unauthorized)
            #expect(try await client.get("/api/session", key: t.readKey).status == .unauthorized)
            let forged = Browser(cookie: "not-a-session", csrf: "x")
            #expect(try await client.request("/api/query/substations", as: forged).status == .unauthorized)
            let failures = try await t.hub.store.auditEntries(AuditFilter(action: .login, outcome: .failure))
            #expect(failures.count == 2 && failures.allSatisfy { $0.sourceAddress == "127.0.0.1" })
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func loginRotatesTheSessionAndLogoutEndsIt(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        try await t.live { client in
            let first = try await client.browser("op@example.com")
            let again = try await client.login("op@example.com", cookie: first.cookie)
            let second = try #require(again.sessionCookie?.value)
            #expect(second != first.cookie)
            #expect(try await client.request("/api/session", as: first).status == .unauthorized)
            let browser = Browser(cookie: second, csrf: try again.decode(LoginAnswer.self).user.csrf_token)
            #expect(try await client.request("/api/session", as: browser).status == .ok)
            // Logout needs the CSRF token too.
            #expect(try await client.request("/logout", .post, as: browser).status == .forbidden)
            let out = try await client.request("/logout", .post, as: browser, csrf: browser.csrf)
            #expect(out.status == .noContent)
            #expect(out.sessionCookie?.value == "" && out.sessionCookie?.attributes["max-age"] == "0")
            #expect(try await client.request("/api/session", as: browser).status == .unauthorized)
            #expect(try await t.hub.store.auditEntries(AuditFilter(action: .logout)).map(\.actor) == ["op@example.com"])
        }
        #expect(try await t.count("sessions") == 0)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func crossOriginLoginIsRefused(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        try await t.live { client in
            let evil = try await client.login("op@example.com", origin: "https://evil.example")
            #expect(evil.status == .forbidden && evil.errorBody?.error.message.contains("Origin") == true)
        }
        #expect(try await t.count("sessions") == 0)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func cookieRequestsThatChangeStateNeedTheCSRFToken(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        try await t.live { client in
            let browser = try await client.browser("op@example.com")
            let body = Fixtures.seedExample
            let none = try await client.request("/api/ingest/telemetry", .post, as: browser, body: body)
            #expect(none.status == .forbidden && none.errorBody?.error.message.contains("CSRF") == true)
            let wrong = try await client.request("/api/ingest/telemetry", .post, as: browser, csrf: String(browser.csrf.reversed()), body: body)
            #expect(wrong.status == .forbidden && wrong.errorBody?.error.message.contains("CSRF") == true)
            // With the token the request reaches the route, which refuses on scope (users cannot ingest).
            let right = try await client.request("/api/ingest/telemetry", .post, as: browser, csrf: browser.csrf, body: body)
            #expect(right.status == .forbidden && right.errorBody?.error.message.contains("ingest") == true)
            // GET needs no token.
            #expect(try await client.request("/api/query/substations", as: browser).status == .ok)
        }
        #expect(try await t.storedRows() == 0)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func deactivatedUsersOpenSessionStopsAtTheNextRequest(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        try await t.live { client in
            let browser = try await client.browser("op@example.com")
            #expect(try await client.request("/api/query/substations", as: browser).status == .ok)
            try await t.hub.accounts.deactivate(email: "op@example.com", by: AuditActor(name: "admin@example.com"))
            let after = try await client.request("/api/query/substations", as: browser)
            #expect(after.status == .unauthorized)
            let again = try await client.login("op@example.com")
            #expect(again.status == .unauthorized && again.errorBody?.error.message == "account is deactivated; ask an administrator")
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func lockedAccountAnswers429WithRetryAfter(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend) { $0.accounts.maxFailures = 2 }
        try await t.live { client in
            _ = try await client.login("op@example.com", "Wrong password 9")
            let locked = try await client.login("op@example.com", "Wrong password 9")
            #expect(locked.status == .tooManyRequests && locked.headers[.retryAfter] == "900")
            #expect(locked.errorBody?.error.code == .rateLimited)
            #expect(try await client.login("op@example.com").status == .tooManyRequests)
            try await t.hub.accounts.unlock(email: "op@example.com", by: .cli)
            #expect(try await client.login("op@example.com").status == .ok)
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func sessionUsersSeeOnlyTheirGrants(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let now = SourceTime.now().epochMilliseconds
        for sub in ["SUB001", "SUB002"] {
            _ = try await t.hub.store.commit([IngestWrite(
                edge: (EdgeID("edge-\(sub)"), 1, "all"),
                telemetry: [StoredTelemetry(Telemetry(substationID: SubstationID(sub), feederID: "FDR001", voltageKV: 230, frequencyHz: 60, ts: SourceTime(epochMilliseconds: now - 1000)), arrival: now)],
                events: [], outages: [], health: nil, arrival: now)])
        }
        try await t.live { client in
            let op = try await client.browser("op@example.com")
            let latest = try await client.request("/api/query/telemetry/latest", as: op)
            #expect(latest.status == .ok && latest.text.contains("SUB001") && !latest.text.contains("SUB002"))
            let denied = try await client.request("/api/query/telemetry/latest?substation_id=SUB002", as: op)
            #expect(denied.status == .forbidden && denied.errorBody?.error.message.contains("op@example.com") == true)
            // A new grant applies at the next request.
            try await t.hub.accounts.grant(email: "op@example.com", substations: .only(["SUB002"]), by: .cli)
            let moved = try await client.request("/api/query/telemetry/latest", as: op)
            #expect(moved.text.contains("SUB002") && !moved.text.contains("SUB001"))
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func forwardedHeadersFromUntrustedPeersAreIgnored(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        try await t.live { client in
            let spoof: HTTPFields = [
                .contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "203.0.113.50",
                HTTPField.Name("X-Forwarded-Proto")!: "https",
            ]
            let body = #"{"email":"op@example.com","password":"Correct horse 42"}"#
            let r = try await client.execute(uri: "/login", method: .post, headers: spoof, body: ByteBuffer(string: body))
            #expect(r.status == .ok && r.sessionCookie?.attributes["secure"] == nil)
            let rows = try await t.hub.store.auditEntries(AuditFilter(action: .login))
            #expect(rows.map(\.sourceAddress) == ["127.0.0.1"])
        }
    }
}

