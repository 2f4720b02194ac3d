import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `/api/alarms` over a real socket: what each role sees and may do, the refusals with their
/// status and reason, and the audit rows of every action.
@Suite struct AlarmAPITests {
    /// A hub (operator on SUB001, executive on SUB002, admin on all) with a trip alarm on each substation.
    static func hub(_ backend: StoreContractTests.Backend = .sqlite) async throws -> (TestHub, sub1: Int64, sub2: Int64) {
        let t = try await AccountFixtures.hub(backend)
        let now = SourceTime.now().epochMilliseconds
        let a = try #require(
            await t.hub.alarms.raise(AlarmCondition(type: .feederTrip, substationID: "SUB001", feederID: "FDR001", at: now, message: "trip 1")))
        let b = try #require(
            await t.hub.alarms.raise(AlarmCondition(type: .feederTrip, substationID: "SUB002", feederID: "FDR001", at: now, message: "trip 2")))
        return (t, a.id, b.id)
    }

    static func alarms(_ r: TestResponse) throws -> [Alarm] {
        let decoder = JSONDecoder()
        return try decoder.decode([Alarm].self, from: Data(r.body.readableBytesView))
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func operatorsSeeAndActOnlyOnGrantedSubstations(_ backend: StoreContractTests.Backend) async throws {
        let (t, sub1, sub2) = try await Self.hub(backend)
        try await t.live { client in
            let op = try await client.browser("op@example.com")
            let list = try await client.request("/api/alarms", as: op)
            #expect(list.status == .ok)
            #expect(try Self.alarms(list).map(\.id) == [sub1])
            #expect(try await client.request("/api/alarms/\(sub2)/history", as: op).status == .forbidden)
            let denied = try await client.request(
                "/api/alarms/\(sub2)/acknowledge", .post, as: op, csrf: op.csrf, body: #"{"comment":"not mine"}"#)
            #expect(denied.status == .forbidden && denied.errorBody?.error.message.contains("SUB002") == true)
            let ok = try await client.request("/api/alarms/\(sub1)/acknowledge", .post, as: op, csrf: op.csrf, body: #"{"comment":"crew sent"}"#)
            #expect(ok.status == .ok)
            let acked = try ok.decode(Alarm.self)
            #expect(acked.state == .acknowledgedActive && acked.acknowledgedBy == "op@example.com" && acked.acknowledgeComment == "crew sent")
            let again = try await client.request("/api/alarms/\(sub1)/acknowledge", .post, as: op, csrf: op.csrf)
            #expect(again.status == .conflict)
            let detail = try await client.request("/api/alarms/\(sub1)/history", as: op)
            #expect(detail.text.contains(#""event":"acknowledged""#))
            let rows = try await t.hub.store.auditEntries(AuditFilter(actor: "op@example.com"))
            let alarmRows = rows.filter { $0.action == .alarmAcknowledge }
            #expect(alarmRows.map(\.outcome).sorted { $0.rawValue < $1.rawValue } == [.denied, .failure, .success])
            #expect(alarmRows.contains { $0.outcome == .success && $0.target == "alarm:\(sub1)" && $0.detail.contains("crew sent") })
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func executivesAndAPIKeysSeeButNeverAct(_ backend: StoreContractTests.Backend) async throws {
        let (t, _, sub2) = try await Self.hub(backend)
        try await t.live { client in
            let exec = try await client.browser("exec@example.com")
            #expect(try Self.alarms(try await client.request("/api/alarms", as: exec)).map(\.id) == [sub2])
            let r = try await client.request("/api/alarms/\(sub2)/acknowledge", .post, as: exec, csrf: exec.csrf)
            #expect(r.status == .forbidden && r.errorBody?.error.message.contains("executive") == true)
            let shelve = try await client.request(
                "/api/alarms/\(sub2)/shelve", .post, as: exec, csrf: exec.csrf, body: #"{"duration_s":600,"reason":"x"}"#)
            #expect(shelve.status == .forbidden)
            #expect(try await client.post("/api/alarms/acknowledge", key: t.allKey, body: #"{"ids":[\#(sub2)]}"#).status == .forbidden)
            #expect(try await client.get("/api/alarms", key: t.readKey).status == .ok)
            #expect(try await t.hub.store.alarm(id: sub2)?.state == .unacknowledgedActive)
            let rows = try await t.hub.store.auditEntries(AuditFilter(actor: "exec@example.com"))
            #expect(rows.contains { $0.action == .alarmShelve && $0.outcome == .denied })
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func bulkAcknowledgeShelveAndFilters(_ backend: StoreContractTests.Backend) async throws {
        let (t, sub1, sub2) = try await Self.hub(backend)
        try await t.live { client in
            let admin = try await client.browser("admin@example.com")
            let bulk = try await client.request(
                "/api/alarms/acknowledge", .post, as: admin, csrf: admin.csrf, body: #"{"ids":[\#(sub1),\#(sub2)],"comment":"all seen"}"#)
            #expect(bulk.status == .ok)
            let bulkAlarms = try Self.alarms(bulk)
            #expect(bulkAlarms.count == 2 && bulkAlarms.allSatisfy { $0.state == .acknowledgedActive })
            let long = try await client.request(
                "/api/alarms/\(sub1)/shelve", .post, as: admin, csrf: admin.csrf, body: #"{"duration_s":90000,"reason":"x"}"#)
            #expect(long.status == .unprocessableContent && long.errorBody?.error.field == "until")
            let noReason = try await client.request(
                "/api/alarms/\(sub1)/shelve", .post, as: admin, csrf: admin.csrf, body: #"{"duration_s":600}"#)
            #expect(noReason.status == .unprocessableContent && noReason.errorBody?.error.field == "reason")
            let shelved = try await client.request(
                "/api/alarms/\(sub1)/shelve", .post, as: admin, csrf: admin.csrf, body: #"{"duration_s":600,"reason":"switching"}"#)
            #expect(shelved.status == .ok)
            #expect(try shelved.decode(Alarm.self).state == .shelved)
            let onlyShelved = try await client.request("/api/alarms?state=shelved", as: admin)
            #expect(try Self.alarms(onlyShelved).map(\.id) == [sub1])
            #expect(try Self.alarms(try await client.request("/api/alarms?priority=low", as: admin)).isEmpty)
            #expect(try await client.request("/api/alarms?state=asleep", as: admin).status == .badRequest)
            #expect(try await client.request("/api/alarms/999999/unshelve", .post, as: admin, csrf: admin.csrf).status == .notFound)
            let unshelved = try await client.request("/api/alarms/\(sub1)/unshelve", .post, as: admin, csrf: admin.csrf)
            #expect(try unshelved.decode(Alarm.self).state == .unacknowledgedActive)
            let oos = try await client.request(
                "/api/alarms/\(sub2)/out-of-service", .post, as: admin, csrf: admin.csrf, body: #"{"reason":"relay test"}"#)
            #expect(try oos.decode(Alarm.self).state == .outOfService)
            let summary = try await client.request("/api/alarms/summary", as: admin)
            #expect(summary.text.contains(#""high":1"#) && summary.text.contains(#""out_of_service":1"#))
            let rts = try await client.request("/api/alarms/\(sub2)/return-to-service", .post, as: admin, csrf: admin.csrf)
            #expect(try rts.decode(Alarm.self).state == .unacknowledgedActive)
            let kpis = try await client.request("/api/alarms/kpis", as: admin)
            #expect(kpis.status == .ok && kpis.text.contains(#""last_10_min":2"#))
            let op = try await client.browser("op@example.com")
            #expect(try await client.request("/api/alarms/summary", as: op).text.contains(#""high":1"#))
            #expect(try await client.request("/api/alarms/kpis?substation_id=SUB002", as: op).status == .forbidden)
        }
    }
}
