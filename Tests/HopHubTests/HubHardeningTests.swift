import CompressNIO
import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Records that used to crash the hub or slip past validation: each is refused with a 4xx naming
/// the problem, nothing is stored, and the hub keeps answering.
@Suite struct HubHardeningTests {
    static let health = #""journal_depth":0,"oldest_unsent_age_s":0,"evicted_total":0,"quarantined_total":0"#

    static let refusals: [(name: String, path: String, body: String, status: Int, field: String?)] = [
        ("outage etr_time at Int64.min", "/api/ingest/outage",
         #"{"outage_id":"X","substation_id":"SUB001","status":"ACTIVE","etr_time":-9223372036854775808}"#, 422, "etr_time"),
        ("outage etr_time in year 2,010,561", "/api/ingest/outage",
         #"{"outage_id":"X","substation_id":"SUB001","status":"ACTIVE","etr_time":63385034031864710}"#, 422, "etr_time"),
        ("outage etr_time in year 0", "/api/ingest/outage",
         #"{"outage_id":"X","substation_id":"SUB001","status":"ACTIVE","etr_time":-62198755200000}"#, 422, "etr_time"),
        ("outage etr_time 2099", "/api/ingest/outage",
         #"{"outage_id":"X","substation_id":"SUB001","status":"ACTIVE","etr_time":"2099-01-01T00:00:00Z"}"#, 422, "etr_time"),
        ("batch outage etr_time at Int64.min", "/api/ingest/batch",
         #"{"edge_id":"e1","seq":1,"outages":[{"outage_id":"X","substation_id":"SUB001","status":"ACTIVE","etr_time":-9223372036854775808}]}"#,
         422, "outages[0].etr_time"),
        ("telemetry ts at Int64.max", "/api/ingest/telemetry", #"{"substation_id":"SUB001","voltage_kv":230,"ts":9223372036854775807}"#, 422, "ts"),
        ("health last_poll_at at Int64.min", "/api/ingest/batch",
         #"{"edge_id":"e1","seq":1,"health":{\#(health),"devices":[{"name":"r","substation_id":"SUB001","comm_state":"ok","last_poll_at":-9223372036854775808}]}}"#,
         422, "health.devices[0].last_poll_at"),
        ("health device substation with markup", "/api/ingest/batch",
         #"{"edge_id":"e1","seq":1,"health":{\#(health),"devices":[{"name":"r","substation_id":"<b>S</b>","comm_state":"ok"}]}}"#,
         422, "health.devices[0].substation_id"),
        ("health negative counter", "/api/ingest/batch",
         #"{"edge_id":"e1","seq":1,"health":{"journal_depth":-1,"oldest_unsent_age_s":0,"evicted_total":0,"quarantined_total":0,"devices":[]}}"#,
         422, "health.journal_depth"),
        ("health 2 MB device name", "/api/ingest/batch",
         #"{"edge_id":"e1","seq":1,"health":{\#(health),"devices":[{"name":"\#(String(repeating: "n", count: 2_000_000))","substation_id":"SUB001","comm_state":"ok"}]}}"#,
         422, "health.devices[0].name"),
        ("health 100,000 devices", "/api/ingest/batch",
         #"{"edge_id":"e1","seq":1,"health":{\#(health),"devices":[\#(Array(repeating: #"{"name":"r","substation_id":"SUB001","comm_state":"ok"}"#, count: 100_000).joined(separator: ","))]}}"#,
         422, "health.devices"),
        ("batch sent_at a day ahead", "/api/ingest/batch",
         #"{"edge_id":"e1","seq":1,"sent_at":"\#(SourceTime.now().adding(milliseconds: 86_400_000).rfc3339)"}"#, 422, "sent_at"),
        ("batch nested 100,000 levels", "/api/ingest/batch",
         #"{"edge_id":"e1","seq":1,"x":\#(String(repeating: "[", count: 100_000))\#(String(repeating: "]", count: 100_000))}"#, 400, nil),
    ]

    @Test func eachRecordIsRefusedNamingTheFieldAndTheHubStaysUp() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            for bad in Self.refusals {
                let response = try await client.post(bad.path, key: t.allKey, body: bad.body)
                #expect(response.status.code == bad.status, "\(bad.name): \(response.text.prefix(300))")
                let error = try #require(response.errorBody, "\(bad.name): \(response.text.prefix(300))")
                #expect(error.error.field == bad.field, "\(bad.name): \(error.error.message)")
            }
            #expect(try await client.get("/api/query/outages/active", key: t.allKey).status == .ok)
            #expect(try await client.get("/api/query/edges", key: t.allKey).status == .ok)
        }
        #expect(try await t.storedRows() == 0)
    }

    @Test func a481ByteGzipBodyNesting200000LevelsIsA400NamingTheLimit() async throws {
        let t = try await TestHub.make()
        var plain = ByteBuffer(string: #"{"x":"# + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "}")
        let gz = try plain.compress(with: .gzip())
        #expect(gz.readableBytes < 1_000)
        try await t.live { client in
            let response = try await client.post("/api/ingest/telemetry", key: t.allKey, bytes: gz, headers: [.contentEncoding: "gzip"])
            #expect(response.status == .badRequest)
            #expect(response.errorBody?.error.code == .malformedJSON)
            #expect(response.errorBody?.error.message.contains("64 levels") == true, "\(response.text)")
            #expect(try await client.get("/api/health", key: nil).status == .ok)
        }
    }

    @Test func nestingIsMeasuredOutsideStringsOnly() {
        func deeper(_ text: String, _ limit: Int) -> Bool { Array(text.utf8).withUnsafeBytes { JSONNesting.exceeds(limit, in: $0) } }
        #expect(!deeper(#"{"a":"[[[[[[[[[[","b":[1,{"c":[]}]}"#, 4))
        #expect(deeper(#"{"b":[1,{"c":[]}]}"#, 3))
        #expect(!deeper(#"{"a":"\"[[[[","b":1}"#, 1), "an escaped quote does not end the string")
        #expect(deeper(String(repeating: "[", count: 65), JSONNesting.maxDepth))
        #expect(!deeper(String(repeating: "[", count: 64) + String(repeating: "]", count: 64), JSONNesting.maxDepth))
    }

    @Test func anEtrTimeForecastDaysAheadIsStoredAndServed() async throws {
        let t = try await TestHub.make()
        let etr = SourceTime.now().adding(milliseconds: 3 * 86_400_000)
        try await t.live { client in
            let body = #"{"outage_id":"O1","substation_id":"SUB001","status":"ACTIVE","etr_time":"\#(etr.rfc3339)"}"#
            #expect(try await client.post("/api/ingest/outage", key: t.allKey, body: body).status == .ok)
            let active = try await client.get("/api/query/outages/active", key: t.allKey)
            #expect(active.text.contains(etr.rfc3339), "\(active.text)")
        }
    }

    @Test func aSecondHostHeaderIsA400() async throws {
        let t = try await TestHub.make()
        try await t.hub.buildApplication(logger: .init(label: "test")).test(.router) { client in
            #expect(try await client.execute(uri: "/api/health", method: .get).status == .ok)
            // The first Host is the request's authority; a second one stays among the header fields.
            let two = try await client.execute(uri: "/api/health", method: .get, headers: [HTTPField.Name("Host")!: "b.example"])
            #expect(two.status == .badRequest, "\(String(buffer: two.body))")
            #expect(String(buffer: two.body).contains("malformed_request"))
        }
    }

    @Test func aNonAdminsBadAuditFilterIsA403AndAudited() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            for path in ["/api/admin/audit?since=x", "/api/admin/audit.csv?limit=-1"] {
                let response = try await client.get(path, key: t.readKey)
                #expect(response.status == .forbidden, "\(path): \(response.text)")
            }
            #expect(try await client.get("/api/admin/audit?since=x", key: nil).status == .unauthorized)
        }
        let rows = try await t.auditRows(actor: "key:reader").filter { $0.action == .adminDenied }
        #expect(rows.compactMap(\.target).sorted() == ["GET /api/admin/audit", "GET /api/admin/audit.csv"], "\(rows)")
    }
}
