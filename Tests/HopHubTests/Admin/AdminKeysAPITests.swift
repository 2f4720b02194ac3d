import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `/api/admin/keys` over a real socket: create, rotate, revoke, each audited exactly once.
@Suite struct AdminKeysAPITests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func createThenUseTheKeyShownOnce(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend)
        let admin = try await t.makeAdminKey()
        try await t.live { client in
            let made = try await client.send(
                .post, "/api/admin/keys", key: admin,
                json: #"{"name":"dms","scopes":["read"],"substations":["SUB002","SUB001"]}"#)
            #expect(made.status == .created, "\(made.text)")
            let body = try #require(made.object)
            let secret = try #require(body["key"] as? String)
            #expect(body["name"] as? String == "dms")
            #expect(body["scopes"] as? [String] == ["read"])
            #expect(body["substations"] as? [String] == ["SUB001", "SUB002"])
            #expect(try await client.get("/api/query/substations", key: secret).status == .ok)
            // The secret is never listed again.
            let listed = try await client.send(.get, "/api/admin/keys", key: admin)
            #expect(listed.status == .ok)
            #expect(!listed.text.contains(secret))
            #expect(!listed.text.contains(String(secret.split(separator: "_")[2])))
            let names = (listed.objects ?? []).compactMap { $0["name"] as? String }
            #expect(Set(names) == ["all", "sub1", "reader", "ingester", "admin", "dms"])
        }
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.count == 1)
        #expect(audit.first?.action == .keyCreate)
        #expect(audit.first?.target == "dms")
        #expect(audit.first?.outcome == .success)
        #expect(audit.first?.sourceAddress == "127.0.0.1")
        #expect(audit.first?.detail == "scopes=read substations=SUB001,SUB002")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func rotationStopsTheOldSecretAndKeepsNameScopesAndGrants(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend)
        let admin = try await t.makeAdminKey()
        try await t.live { client in
            #expect(try await client.get("/api/query/substations", key: t.sub1Key).status == .ok)
            let rotated = try await client.send(.post, "/api/admin/keys/sub1/rotate", key: admin)
            #expect(rotated.status == .ok, "\(rotated.text)")
            let body = try #require(rotated.object)
            let fresh = try #require(body["key"] as? String)
            #expect(fresh != t.sub1Key)
            #expect(body["name"] as? String == "sub1")
            #expect(body["scopes"] as? [String] == ["ingest", "read"])
            #expect(body["substations"] as? [String] == ["SUB001"])
            #expect(try await client.get("/api/query/substations", key: t.sub1Key).status == .unauthorized)
            #expect(try await client.get("/api/query/substations", key: fresh).status == .ok)
            // Still limited to SUB001.
            #expect(try await client.get("/api/query/events?substation_id=SUB002", key: fresh).status == .forbidden)
            // Ingest under the same key name keeps the edge binding.
            let batch = try await client.post("/api/ingest/batch", key: fresh, body: Fixtures.batchJSON(seq: 1, readings: 2))
            #expect(batch.status == .ok, "\(batch.text)")
        }
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.action) == [.keyRotate])
        #expect(audit.first?.target == "sub1")
        let stored = try await t.reopenedStore().keys().filter { $0.name == "sub1" }
        #expect(stored.count == 1)
        #expect(stored.first?.revokedAt == nil)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func revokeStopsTheKeyAndIsAudited(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend)
        let admin = try await t.makeAdminKey()
        try await t.live { client in
            let revoked = try await client.send(.delete, "/api/admin/keys/reader", key: admin)
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(revoked.object?["active"] as? Bool == false)
            #expect(revoked.object?["revoked_at"] is String)
            #expect(try await client.get("/api/query/substations", key: t.readKey).status == .unauthorized)
            let again = try await client.send(.delete, "/api/admin/keys/reader", key: admin)
            #expect(again.status == .notFound)
        }
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.action) == [.keyRevoke, .keyRevoke])
        #expect(audit.map(\.outcome) == [.success, .failure])
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func refusalsNameTheProblem(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend)
        let admin = try await t.makeAdminKey()
        try await t.live { client in
            let cases: [(String, String, Int, String?)] = [
                ("POST", #"{"name":"all","scopes":["read"],"substations":"all"}"#, 409, "name"),
                ("POST", #"{"name":"bad name","scopes":["read"],"substations":"all"}"#, 422, "name"),
                ("POST", #"{"name":"x","scopes":["root"],"substations":"all"}"#, 422, "scopes[0]"),
                ("POST", #"{"name":"x","scopes":[],"substations":"all"}"#, 422, "scopes"),
                ("POST", #"{"name":"x","scopes":["read"],"substations":[]}"#, 422, "substations"),
                ("POST", #"{"name":"x","scopes":["read"],"substations":"some"}"#, 422, "substations"),
                ("POST", #"{"name":"x","scopes":["read"]}"#, 422, "substations"),
                ("POST", #"{"name":"x""#, 400, nil),
            ]
            for (_, json, status, field) in cases {
                let answer = try await client.send(.post, "/api/admin/keys", key: admin, json: json)
                #expect(answer.status.code == status, "\(json): \(answer.text)")
                #expect(answer.errorBody?.error.field == field, "\(json): \(answer.text)")
            }
            let missing = try await client.send(.post, "/api/admin/keys/nope/rotate", key: admin)
            #expect(missing.status == .notFound)
            #expect(missing.errorBody?.error.message.contains("nope") == true)
        }
        // Only the refused attempts on real state are audited: the duplicate name and the unknown rotation.
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.action) == [.keyCreate, .keyRotate])
        #expect(audit.allSatisfy { $0.outcome == .failure })
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func concurrentCreatesOfOneNameHaveOneWinner(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend)
        let admin = APIKeyAdmin(store: t.hub.store)
        let actor = AuditActor(name: "racer@example.com", sourceAddress: "10.0.0.1")
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        _ = try await admin.created(name: "contested", scopes: [.read], substations: .all, by: actor)
                        return true
                    } catch { return false }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await t.hub.store.keys().filter { $0.name == "contested" }.count == 1)
        let audit = try await t.hub.store.auditEntries(AuditFilter(actor: "racer@example.com"))
        #expect(audit.count == 8)
        #expect(audit.filter { $0.outcome == .success }.count == 1)
    }

    @Test(arguments: [true, false])
    func sourceAddressComesFromATrustedProxyOnly(trusted: Bool) async throws {
        let t = try await TestHub.make { if trusted { $0.accounts.trustedProxies = ["127.0.0.1"] } }
        let admin = try await t.makeAdminKey()
        try await t.live { client in
            let r = try await client.send(
                .post, "/api/admin/keys/reader/rotate", key: admin,
                headers: [HTTPField.Name("X-Forwarded-For")!: "198.51.100.4, 203.0.113.9"])
            #expect(r.status == .ok)
        }
        let audit = try await t.auditRows(actor: "key:admin")
        #expect(audit.map(\.sourceAddress) == [trusted ? "203.0.113.9" : "127.0.0.1"])
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func nonAdminsAreRefused(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend)
        try await t.live { client in
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/admin/keys"), (.post, "/api/admin/keys"),
                (.post, "/api/admin/keys/all/rotate"), (.delete, "/api/admin/keys/all"),
                (.get, "/api/admin/audit"), (.get, "/api/admin/audit.csv"),
            ] {
                let json = method == .post ? #"{"name":"x","scopes":["read"],"substations":"all"}"# : nil
                let anonymous = try await client.send(method, path, key: nil, json: json)
                #expect(anonymous.status == .unauthorized, "\(method) \(path)")
                for key in [t.readKey, t.allKey, t.ingestKey] {
                    let refused = try await client.send(method, path, key: key, json: json)
                    #expect(refused.status == .forbidden, "\(method) \(path): \(refused.text)")
                    #expect(refused.errorBody?.error.message.contains("admin") == true)
                }
            }
            #expect(try await client.get("/api/query/substations", key: t.allKey).status == .ok)
        }
        #expect(try await t.reopenedStore().keys().allSatisfy { $0.revokedAt == nil })
        #expect(try await t.reopenedStore().auditEntries(AuditFilter(action: .keyRotate)).isEmpty)
    }
}
