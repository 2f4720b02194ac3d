import Foundation
import HTTPTypes
import GRDB
import HopProtocol
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `GET /api/query/summary`: totals over the caller's substations only, with the documented formulas.
@Suite struct SummaryAPITests {
    @Test func totalsAreComputedOverTheCallersSubstations() async throws {
        let t = try await TestHub.make()
        let now = SourceTime.now().epochMilliseconds
        func reading(_ sub: String, ageSeconds: Int64) -> StoredTelemetry {
            StoredTelemetry(
                Telemetry(substationID: SubstationID(sub), feederID: "FDR001", siteName: "Site \(sub)", latitude: 45, longitude: -122, frequencyHz: 60, ts: SourceTime(epochMilliseconds: now - ageSeconds * 1000)),
                arrival: now)
        }
        // SUB001: online, healthy. SUB002: online, outage. SUB003: offline (10 min). SUB004: online, ANOMALY, comm fail.
        _ = try await t.hub.sqlite.commit([
            IngestWrite(
                edge: (EdgeID("edge-a"), 1, "all"),
                telemetry: [reading("SUB001", ageSeconds: 5), reading("SUB002", ageSeconds: 5), reading("SUB003", ageSeconds: 600), reading("SUB004", ageSeconds: 5)],
                events: [
                    StoredEvent(ts: now - 60_000, substationID: "SUB002", event: GridEvent(substationID: "SUB002", feederID: "FDR001", severity: "ALARM", eventType: "FEEDER_TRIP")),
                    StoredEvent(ts: now - 50_000, substationID: "SUB004", event: GridEvent(substationID: "SUB004", deviceID: "rtu-4", severity: "WARNING", eventType: "COMM_RESTORED")),
                    StoredEvent(ts: now - 40_000, substationID: "SUB004", event: GridEvent(substationID: "SUB004", deviceID: "rtu-4", severity: "WARNING", eventType: "COMM_FAIL")),
                    StoredEvent(ts: now - 40_000, substationID: "SUB001", event: GridEvent(substationID: "SUB001", deviceID: "rtu-1", severity: "WARNING", eventType: "COMM_FAIL")),
                    StoredEvent(ts: now - 30_000, substationID: "SUB001", event: GridEvent(substationID: "SUB001", deviceID: "rtu-1", severity: "INFO", eventType: "COMM_RESTORED")),
                ],
                outages: [StoredOutage(ts: now, substationID: "SUB002", outage: Outage(outageID: "O-2", substationID: "SUB002", customersOut: 120, mwInterrupted: 3.5, status: "ACTIVE"))],
                health: EdgeHealth(journalDepth: 42, oldestUnsentAgeSeconds: 3, evictedTotal: 0, quarantinedTotal: 0, devices: []),
                arrival: now)
        ])
        try await t.hub.sqlite.pool.write { db in
            try db.execute(sql: "INSERT INTO scores VALUES (?, 'SUB004', 0.9, 1, 2.3, 60, 0.01, 60.02, 'zscore-v1')", arguments: [now])
            try db.execute(sql: "INSERT INTO scores VALUES (?, 'SUB001', 0.5, 0, 1.2, 60, 0.01, 60.01, 'zscore-v1')", arguments: [now])
        }
        let sub1and2 = try await APIKeyAdmin(store: t.hub.sqlite).create(name: "two", scopes: [.read], substations: .only(["SUB001", "SUB002"]))
        try await t.live { client in
            let all = try await client.get("/api/query/summary?minutes=60", key: t.readKey)
            #expect(all.status == .ok, "\(all.text)")
            let s = try all.decode(ExecutiveSummary.self)
            #expect(s.substations == .init(total: 4, online: 3, offline: 1, commFail: 1))
            #expect(s.gridHealthPct == 25.0, "only SUB001 is healthy: \(all.text)")
            #expect(s.activeOutages == 1 && s.customersOut == 120 && s.mwInterrupted == 3.5)
            #expect(s.anomalies == 1 && s.elevated == 1 && s.trips == 1)
            #expect(s.substationStatus.first { $0.substationID == "SUB004" }?.commFail == true)
            #expect(s.substationStatus.first { $0.substationID == "SUB001" }?.commFail == false, "restored after failing")
            #expect(s.edges.first?.journalBacklog == 42)

            let scoped = try await client.get("/api/query/summary", key: sub1and2)
            let mine = try scoped.decode(ExecutiveSummary.self)
            #expect(mine.substationStatus.map(\.substationID) == ["SUB001", "SUB002"])
            #expect(mine.substations.total == 2 && mine.gridHealthPct == 50.0 && mine.anomalies == 0)
            #expect(mine.edges.first?.substations == ["SUB001", "SUB002"])
            #expect(!scoped.text.contains("SUB003") && !scoped.text.contains("SUB004"), "\(scoped.text)")

            let one = try await client.get("/api/query/summary?substation_id=SUB002", key: sub1and2)
            #expect(try one.decode(ExecutiveSummary.self).substations.total == 1)
            #expect(try await client.get("/api/query/summary?substation_id=SUB004", key: sub1and2).status == .forbidden)
            #expect(try await client.get("/api/query/summary?minutes=0", key: sub1and2).status == .badRequest)
        }
    }

    @Test func anEmptyScopeHasNoHealthPercentage() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            let s = try await client.get("/api/query/summary", key: t.sub1Key).decode(ExecutiveSummary.self)
            #expect(s.substations.total == 0 && s.gridHealthPct == nil)
        }
    }
}
