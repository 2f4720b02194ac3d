import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `/api/admin/users` over a real socket, through `AccountService`, with keys and with sessions.
@Suite struct AdminUsersAPITests {
    static let password = "correct horse battery staple"

    static func seedTwoSubstations(_ t: TestHub, _ client: any TestClientProtocol) async throws {
        for sub in ["SUB001", "SUB002"] {
            let r = try await client.post(
                "/api/ingest/telemetry", key: t.allKey,
                body: #"{"substation_id":"\#(sub)","feeder_id":"FDR001","frequency_hz":60.01}"#)
            #expect(r.status == .ok, "\(r.text)")
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func createLoginThenChangeGrantsChangesWhatTheUserSees(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        let admin = try await t.makeAdminKey()
        try await t.live { client in
            try await Self.seedTwoSubstations(t, client)
            let made = try await client.send(
                .post, "/api/admin/users", key: admin,
                json: #"{"email":"Op@Example.com","name":"Olga Op","org_name":"North Grid","role":"operator","substations":["SUB001"],"password":"\#(Self.password)"}"#)
            #expect(made.status == .created, "\(made.text)")
            #expect(made.object?["email"] as? String == "op@example.com")
            #expect(made.object?["substations"] as? [String] == ["SUB001"])

            let listed = try await client.send(.get, "/api/admin/users", key: admin)
            #expect(listed.status == .ok)
            #expect(listed.objects?.map { $0["email"] as? String } == ["op@example.com"])
            #expect(!listed.text.contains("$2"), "a bcrypt hash leaked: \(listed.text)")
            #expect(!listed.text.lowercased().contains("hash"))

            let (session, _) = try await client.portalLogin("op@example.com")
            let op = try #require(session)
            let before = try await client.send(.get, "/api/query/substations", session: op)
            #expect(before.text.contains("SUB001") && !before.text.contains("SUB002"), "\(before.text)")
            #expect(try await client.send(.get, "/api/query/events?substation_id=SUB002", session: op).status == .forbidden)

            let patched = try await client.send(
                .patch, "/api/admin/users/op%40example.com", key: admin, json: #"{"substations":["SUB002"]}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            let after = try await client.send(.get, "/api/query/substations", session: op)
            #expect(after.status == .ok)
            #expect(after.text.contains("SUB002") && !after.text.contains("SUB001"), "\(after.text)")
            #expect(try await client.send(.get, "/api/query/events?substation_id=SUB001", session: op).status == .forbidden)
        }
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.action) == [.userCreate, .userUpdate])
        #expect(audit.map(\.target) == ["op@example.com", "op@example.com"])
        #expect(audit.allSatisfy { $0.outcome == .success && $0.sourceAddress == "127.0.0.1" })
        #expect(audit.last?.detail.contains("SUB001→SUB002") == true)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func alertOptInAlsoRecordsARecipientsChange(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        let admin = try await t.makeAdminKey()
        try await t.makeUser("exec@example.com", role: .executive, substations: .all)
        try await t.live { client in
            let r = try await client.send(
                .patch, "/api/admin/users/exec@example.com", key: admin, json: #"{"alert_opt_in":true}"#)
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.object?["alert_opt_in"] as? Bool == true)
        }
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.action) == [.userUpdate, .recipientsChange])
        #expect(audit.allSatisfy { $0.target == "exec@example.com" })
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func passwordResetUnlockAndEndSessions(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend) { $0.accounts.maxFailures = 2 }
        let admin = try await t.makeAdminKey()
        try await t.makeUser("op@example.com", role: .operator, substations: .only(["SUB001"]))
        try await t.live { client in
            // End sessions: an open session stops working at once.
            let (first, _) = try await client.portalLogin("op@example.com")
            let open = try #require(first)
            #expect(try await client.send(.get, "/api/query/substations", session: open).status == .ok)
            let ended = try await client.send(.delete, "/api/admin/users/op@example.com/sessions", key: admin)
            #expect(ended.status == .ok, "\(ended.text)")
            #expect(ended.object?["sessions_ended"] as? Int == 1)
            #expect(try await client.send(.get, "/api/query/substations", session: open).status == .unauthorized)

            // Lock the account with wrong passwords, then unlock it.
            for _ in 0..<2 { _ = try await client.portalLogin("op@example.com", "wrong password entirely") }
            let (locked, lockedAnswer) = try await client.portalLogin("op@example.com")
            #expect(locked == nil)
            #expect(lockedAnswer.status == .tooManyRequests, "\(lockedAnswer.text)")
            let unlocked = try await client.send(.post, "/api/admin/users/op@example.com/unlock", key: admin)
            #expect(unlocked.status == .ok, "\(unlocked.text)")
            #expect(unlocked.object?["locked_until"] == nil || unlocked.object?["locked_until"] is NSNull)
            let (again, _) = try await client.portalLogin("op@example.com")
            #expect(again != nil)

            // Reset: the old password stops working, the new one works; a weak one is a 422 naming the field.
            let weak = try await client.send(
                .post, "/api/admin/users/op@example.com/password", key: admin, json: #"{"password":"short"}"#)
            #expect(weak.status == .unprocessableContent)
            #expect(weak.errorBody?.error.field == "password")
            let reset = try await client.send(
                .post, "/api/admin/users/op@example.com/password", key: admin,
                json: #"{"password":"a brand new passphrase 42"}"#)
            #expect(reset.status == .noContent, "\(reset.text)")
            #expect(try await client.portalLogin("op@example.com").0 == nil)
            #expect(try await client.portalLogin("op@example.com", "a brand new passphrase 42").0 != nil)
        }
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.action) == [.sessionsEnd, .unlock, .passwordReset])
        #expect(audit.allSatisfy { $0.target == "op@example.com" && $0.outcome == .success })
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func deactivationEndsOpenSessionsAtOnceAndIsAuditedOnce(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        let admin = try await t.makeAdminKey()
        try await t.makeUser("op@example.com", role: .operator, substations: .only(["SUB001"]))
        try await t.live { client in
            let op = try #require(try await client.portalLogin("op@example.com").0)
            #expect(try await client.send(.get, "/api/query/substations", session: op).status == .ok)
            let off = try await client.send(.patch, "/api/admin/users/op@example.com", key: admin, json: #"{"active":false}"#)
            #expect(off.status == .ok, "\(off.text)")
            #expect(off.object?["active"] as? Bool == false)
            #expect(try await client.send(.get, "/api/query/substations", session: op).status == .unauthorized)
            let (again, answer) = try await client.portalLogin("op@example.com")
            #expect(again == nil)
            #expect(answer.errorBody?.error.message.contains("deactivated") == true, "\(answer.text)")
            let unchanged = try await client.send(.patch, "/api/admin/users/op@example.com", key: admin, json: #"{"active":false}"#)
            #expect(unchanged.status == .ok)
        }
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.action) == [.userDeactivate])
        #expect(audit.first?.detail.contains("active true→false") == true)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func errorsAre404409And422NamingTheField(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        let admin = try await t.makeAdminKey()
        try await t.makeUser("op@example.com", role: .operator, substations: .only(["SUB001"]))
        try await t.live { client in
            let cases: [(HTTPRequest.Method, String, String?, Int, String?)] = [
                (.patch, "/api/admin/users/nobody@example.com", #"{"name":"X"}"#, 404, "email"),
                (.post, "/api/admin/users/nobody@example.com/unlock", nil, 404, "email"),
                (.delete, "/api/admin/users/nobody@example.com/sessions", nil, 404, "email"),
                (.post, "/api/admin/users/nobody@example.com/password", #"{"password":"a long enough passphrase"}"#, 404, "email"),
                (.post, "/api/admin/users", #"{"email":"OP@example.com","name":"Dup","role":"operator","substations":"all","password":"another good passphrase"}"#, 409, "email"),
                (.post, "/api/admin/users", #"{"email":"new@example.com","name":"N","role":"king","substations":"all","password":"another good passphrase"}"#, 422, "role"),
                (.post, "/api/admin/users", #"{"email":"not-an-email","name":"N","role":"operator","substations":"all","password":"another good passphrase"}"#, 422, "email"),
                (.post, "/api/admin/users", #"{"email":"new@example.com","name":"N","role":"operator","substations":"all","password":"short"}"#, 422, "password"),
                (.post, "/api/admin/users", #"{"email":"new@example.com","name":"N","role":"operator","password":"another good passphrase"}"#, 422, "substations"),
                (.post, "/api/admin/users", #"{"email":"new@example.com","name":"N","role":"operator","substations":[],"password":"another good passphrase"}"#, 422, "substations"),
                (.post, "/api/admin/users", #"{"email":"new@example.com","name":"N","role":"operator","substations":["bad id"],"password":"another good passphrase"}"#, 422, "substations"),
                (.patch, "/api/admin/users/op@example.com", #"{"password":"another good passphrase"}"#, 422, "password"),
                (.patch, "/api/admin/users/op@example.com", #"{"email":"x@example.com"}"#, 422, "email"),
                (.patch, "/api/admin/users/op@example.com", #"{"active":"no"}"#, 422, "active"),
                (.post, "/api/admin/users", #"{"email":"new@example.com","name":"N\u0000\u0007","role":"operator","substations":"all","password":"another good passphrase"}"#, 422, "name"),
                (.post, "/api/admin/users", #"{"email":"new@example.com","name":"N","org_name":"Org\nInjected: header","role":"operator","substations":"all","password":"another good passphrase"}"#, 422, "org_name"),
                (.post, "/api/admin/users", #"{"email":"new@example.com","name":"\#(String(repeating: "n", count: 201))","role":"operator","substations":"all","password":"another good passphrase"}"#, 422, "name"),
                (.patch, "/api/admin/users/op@example.com", #"{"name":"Olga\u001b[31m"}"#, 422, "name"),
                (.patch, "/api/admin/users/op@example.com", #"{"name":"   "}"#, 422, "name"),
            ]
            for (method, path, json, status, field) in cases {
                let answer = try await client.send(method, path, key: admin, json: json)
                #expect(answer.status.code == status, "\(method) \(path) \(json ?? ""): \(answer.text)")
                #expect(answer.errorBody?.error.field == field, "\(method) \(path) \(json ?? ""): \(answer.text)")
            }
        }
        #expect(try await t.reopenedStore().users().map(\.email) == ["op@example.com"])
        // Only the duplicate is audited (as a failure); refused input changes nothing and records nothing.
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.action) == [.userCreate])
        #expect(audit.first?.outcome == .failure)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func sessionsNeedAdminRoleAndCSRF(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        try await t.makeUser("boss@example.com", role: .admin, substations: nil)
        try await t.makeUser("op@example.com", role: .operator, substations: .only(["SUB001"]))
        let newUser = #"{"email":"exec@example.com","name":"E","role":"executive","substations":"all","password":"another good passphrase"}"#
        try await t.live { client in
            let op = try #require(try await client.portalLogin("op@example.com").0)
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/admin/users"), (.get, "/api/admin/keys"), (.get, "/api/admin/audit"),
                (.get, "/api/admin/audit.csv"), (.post, "/api/admin/users"), (.post, "/api/admin/keys/all/rotate"),
            ] {
                let refused = try await client.send(method, path, session: op, json: method == .post ? newUser : nil)
                #expect(refused.status == .forbidden, "\(method) \(path): \(refused.text)")
            }
            let boss = try #require(try await client.portalLogin("boss@example.com").0)
            #expect(try await client.send(.get, "/api/admin/users", session: boss).status == .ok)
            let noToken = try await client.send(.post, "/api/admin/users", session: boss, json: newUser, csrf: false)
            #expect(noToken.status == .forbidden)
            #expect(noToken.errorBody?.error.message.contains("CSRF") == true)
            var forged = boss
            forged.csrf = "not-the-token"
            #expect(try await client.send(.post, "/api/admin/users", session: forged, json: newUser).status == .forbidden)
            #expect(try await client.send(.delete, "/api/admin/keys/all", session: boss, csrf: false).status == .forbidden)
            let made = try await client.send(.post, "/api/admin/users", session: boss, json: newUser)
            #expect(made.status == .created, "\(made.text)")
            let rotated = try await client.send(.post, "/api/admin/keys/reader/rotate", session: boss)
            #expect(rotated.status == .ok, "\(rotated.text)")
        }
        #expect(try await t.reopenedStore().users().count == 3)
        let byBoss = try await t.auditRows(actor: "boss@example.com").filter { $0.action != .login }
        #expect(byBoss.map(\.action) == [.userCreate, .keyRotate])
        #expect(byBoss.map(\.target) == ["exec@example.com", "reader"])
        // The refused attempts are audited (one row per route here), and nothing else happened.
        let byOp = try await t.auditRows(actor: "op@example.com").filter { $0.action != .login }
        #expect(byOp.count == 6 && byOp.allSatisfy { $0.action == .adminDenied && $0.outcome == .denied }, "\(byOp)")
        #expect(try await t.reopenedStore().keys().first { $0.name == "all" }?.revokedAt == nil)
    }
}
