import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `GET /api/admin/audit` and `/api/admin/audit.csv` over a real socket.
@Suite struct AuditAPITests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func listFiltersAndCSVAgree(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend)
        let admin = try await t.makeAdminKey()
        let base = SourceTime(rfc3339: "2026-11-01T00:00:00Z")!.epochMilliseconds
        try await t.hub.store.appendAudit(
            AuditEntry(at: base, actor: "=evil@x.org", action: .login, sourceAddress: "10.0.0.9", outcome: .failure,
                       detail: "wrong email or password"))
        try await t.hub.store.appendAudit(
            AuditEntry(at: base + 60_000, actor: "op@x.org", action: .login, sourceAddress: "10.0.0.9"))
        try await t.live { client in
            let logins = try await client.send(.get, "/api/admin/audit?action=login", key: admin)
            #expect(logins.status == .ok, "\(logins.text)")
            let rows = try #require(logins.objects)
            #expect(rows.map { $0["actor"] as? String } == ["op@x.org", "=evil@x.org"])
            #expect(rows.last?["at"] as? String == "2026-11-01T00:00:00.000Z")
            #expect(rows.last?["source_address"] as? String == "10.0.0.9")

            let failed = try await client.send(.get, "/api/admin/audit?outcome=failure&since=2026-10-31T23:00:00Z", key: admin)
            #expect(failed.objects?.count == 1)
            let window = try await client.send(
                .get, "/api/admin/audit?since=2026-11-01T00:00:30Z&until=2026-11-01T00:02:00Z", key: admin)
            #expect(window.objects?.map { $0["actor"] as? String } == ["op@x.org"])
            let byTarget = try await client.send(.get, "/api/admin/audit?target=sub1&action=key.create", key: admin)
            #expect(byTarget.objects?.map { $0["actor"] as? String } == ["cli"])
            let limited = try await client.send(.get, "/api/admin/audit?limit=2", key: admin)
            #expect(limited.objects?.count == 2)

            let csv = try await client.send(.get, "/api/admin/audit.csv?action=login", key: admin)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition]?.contains("attachment") == true)
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 3)
            #expect(lines[0] == AuditCSV.columns.joined(separator: ","))
            #expect(lines[2].contains(",'=evil@x.org,login,,10.0.0.9,failure,wrong email or password"))
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func badFiltersAre400NamingTheParameter(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend)
        let admin = try await t.makeAdminKey()
        try await t.live { client in
            for (query, field) in [
                ("since=last-week", "since"), ("until=2026-02-30T00:00:00Z", "until"), ("action=drop", "action"),
                ("outcome=ok", "outcome"), ("limit=20000", "limit"), ("limit=-1", "limit"), ("bogus=1", "bogus"),
                ("actor=a&actor=b", "actor"),
            ] {
                for path in ["/api/admin/audit", "/api/admin/audit.csv"] {
                    let answer = try await client.send(.get, "\(path)?\(query)", key: admin)
                    #expect(answer.status == .badRequest, "\(path)?\(query): \(answer.text)")
                    #expect(answer.errorBody?.error.field == field, "\(path)?\(query): \(answer.text)")
                }
            }
        }
    }
}
