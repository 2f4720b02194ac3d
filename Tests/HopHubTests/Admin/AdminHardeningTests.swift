import Foundation
import GRDB
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The security review's admin findings: limited admins escalating, changes and their audit rows
/// in one transaction, and refused admin attempts audited without flooding.
@Suite struct AdminHardeningTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func adminsAndAdminKeysAlwaysHaveAllSubstations(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        let admin = try await t.makeAdminKey()
        try await t.makeUser("op@example.com", role: .operator, substations: .only(["SUB001"]))
        try await t.makeUser("boss@example.com", role: .admin, substations: nil)
        try await t.live { client in
            let made = try await client.send(
                .post, "/api/admin/users", key: admin,
                json: #"{"email":"a2@example.com","name":"A","role":"admin","substations":["SUB001"],"password":"correct horse battery staple"}"#)
            #expect(made.status == .unprocessableContent && made.text.contains(#""field":"substations""#), "\(made.text)")
            let narrowed = try await client.send(
                .patch, "/api/admin/users/boss%40example.com", key: admin, json: #"{"substations":["SUB001"]}"#)
            #expect(narrowed.status == .unprocessableContent && narrowed.text.contains("substations"), "\(narrowed.text)")
            let promoted = try await client.send(.patch, "/api/admin/users/op%40example.com", key: admin, json: #"{"role":"admin"}"#)
            #expect(promoted.status == .ok && promoted.object?["substations"] as? String == "all", "\(promoted.text)")
            let key = try await client.send(
                .post, "/api/admin/keys", key: admin, json: #"{"name":"limited-admin","scopes":["admin","read"],"substations":["SUB001"]}"#)
            #expect(key.status == .unprocessableContent && key.text.contains(#""field":"substations""#), "\(key.text)")
            await #expect(throws: HubError.self) {
                try await t.hub.accounts.grant(email: "boss@example.com", substations: .only(["SUB001"]), by: .cli)
            }
        }
        #expect(try await t.reopenedStore().user(email: "boss@example.com")?.substations == .all)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func aLimitedCallerCannotGrantBeyondItsOwnSubstations(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        // A key from before the rule (the store takes it; the API and CLI no longer make one).
        let made = APIKeyGenerator.make()
        let record = APIKeyRecord(
            id: made.id, name: "old-admin", secretHash: made.secretHash, scopes: [.admin, .read], substations: .only(["SUB001"]),
            createdAt: 0)
        #expect(try await t.hub.store.insertKey(record, audit: AuditActor.cli.entry(.keyCreate, target: "old-admin")))
        try await t.makeUser("op@example.com", role: .operator, substations: .only(["SUB001"]))
        try await t.live { client in
            let user = try await client.send(
                .post, "/api/admin/users", key: made.key,
                json: #"{"email":"o2@example.com","name":"O","role":"operator","substations":"all","password":"correct horse battery staple"}"#)
            #expect(user.status == .forbidden && user.text.contains("substations"), "\(user.text)")
            let widened = try await client.send(
                .patch, "/api/admin/users/op%40example.com", key: made.key, json: #"{"substations":["SUB001","SUB002"]}"#)
            #expect(widened.status == .forbidden, "\(widened.text)")
            let key = try await client.send(
                .post, "/api/admin/keys", key: made.key, json: #"{"name":"wide","scopes":["read"],"substations":"all"}"#)
            #expect(key.status == .forbidden, "\(key.text)")
            let within = try await client.send(
                .post, "/api/admin/keys", key: made.key, json: #"{"name":"narrow","scopes":["read"],"substations":["SUB001"]}"#)
            #expect(within.status == .created, "\(within.text)")
        }
        #expect(try await t.reopenedStore().user(email: "op@example.com")?.substations == .only(["SUB001"]))
    }

    @Test func aChangeIsNotKeptWhenItsAuditRowCannotBeWritten() async throws {
        let t = try await TestHub.makeForAdmin()
        try await t.makeUser("op@example.com", role: .operator, substations: .only(["SUB001"]))
        // Make every audit append for this user fail, as a full disk would.
        try await t.hub.sqlite.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER no_audit BEFORE INSERT ON audit_log WHEN NEW.target LIKE 'op%'
                BEGIN SELECT RAISE(ABORT, 'disk full'); END
                """)
        }
        let accounts = t.hub.accounts
        await #expect(throws: (any Error).self) {
            try await accounts.update(email: "op@example.com", UserChange(name: "Changed"), by: .cli)
        }
        await #expect(throws: (any Error).self) {
            try await accounts.grant(email: "op@example.com", substations: .all, by: .cli)
        }
        await #expect(throws: (any Error).self) {
            try await accounts.create(
                NewUser(email: "op2@example.com", name: "x", role: .operator, substations: .all, password: "correct horse battery staple"),
                by: AuditActor(name: "op@example.com"))
        }
        #expect(try await accounts.user(email: "op2@example.com") == nil, "created without an audit row")
        let user = try #require(try await accounts.user(email: "op@example.com"))
        #expect(user.name != "Changed" && user.substations == .only(["SUB001"]), "changed without an audit row: \(user)")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func refusedAdminAttemptsAreAuditedOncePerActorRouteAndMinute(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        try await t.live { client in
            for email in ["a@example.com", "b@example.com", "c@example.com"] {
                let r = try await client.send(.patch, "/api/admin/users/\(email)", key: t.readKey, json: #"{"name":"x"}"#)
                #expect(r.status == .forbidden)
            }
            for _ in 0..<5 { #expect(try await client.send(.get, "/api/admin/keys", key: t.readKey).status == .forbidden) }
            #expect(try await client.send(.get, "/api/admin/audit", key: t.readKey).status == .forbidden)
            #expect(
                try await client.send(.put, "/api/admin/layers/territory", key: t.readKey, json: #"{"type":"FeatureCollection","features":[]}"#)
                    .status == .forbidden)
        }
        let rows = try await t.auditRows(actor: "key:reader").filter { $0.action == .adminDenied }
        #expect(rows.count == 4, "\(rows.map { $0.target ?? "-" })")
        #expect(rows.contains { $0.target == "PUT /api/admin/layers/{name}" }, "\(rows.map { $0.target ?? "-" })")
        #expect(!rows.contains { ($0.target ?? "").contains("@example.com") }, "the route pattern, not the path")
        #expect(rows.allSatisfy { $0.outcome == .denied && $0.sourceAddress == "127.0.0.1" })

    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func suppressedRefusalsAreReportedByTheKeysNextRow(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.makeForAdmin(backend)
        let store = t.hub.store
        let entry = AuditActor(name: "key:x").entry(.adminDenied, target: "GET /api/admin/users", outcome: .denied, detail: "d", at: 1_000)
        #expect(try await store.appendThrottledAudit(entry, key: "k", windowMs: 60_000))
        for at in [2_000, 30_000, 60_999] as [Int64] {
            var again = entry
            again.at = at
            #expect(try await !store.appendThrottledAudit(again, key: "k", windowMs: 60_000))
        }
        var later = entry
        later.at = 61_000
        #expect(try await store.appendThrottledAudit(later, key: "k", windowMs: 60_000))
        let written = try await store.auditEntries(AuditFilter(actor: "key:x"))
        #expect(written.count == 2 && written.first?.detail.contains("3 more") == true, "\(written.map(\.detail))")
    }
}
