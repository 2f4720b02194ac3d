import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore

/// The judge on the hub's post-commit path: committed readings become FREQUENCY_EXCURSION and ROCOF
/// events in the events table (and so in `/api/query/events` and the live feed).
@Suite struct FrequencyEventsTests {
    /// Posts one reading a second for SUB001, `hz[i]` at `base + i` seconds.
    func post(_ client: any TestClientProtocol, _ t: TestHub, base: Int64, _ hz: [Double]) async throws {
        for (i, f) in hz.enumerated() {
            let body = #"{"substation_id":"SUB001","feeder_id":"FDR001","frequency_hz":\#(f),"ts":\#(base + Int64(i) * 1000)}"#
            let r = try await client.post("/api/ingest/telemetry", key: t.allKey, body: body)
            #expect(r.status == .ok, "\(r.text)")
        }
    }

    func frequencyEvents(_ client: any TestClientProtocol, _ t: TestHub) async throws -> [EventRecord] {
        try await client.get("/api/query/events?minutes=10", key: t.allKey).decode([EventRecord].self)
            .filter { [FrequencyEventType.excursion, FrequencyEventType.rocof].contains($0.event.eventType) }
            .sorted { $0.time < $1.time }
    }

    @Test func anExcursionLongerThanThePersistenceAndAStepAreStoredAsEvents() async throws {
        let t = try await TestHub.make { $0.frequency.persistenceSeconds = 3 }
        let base = (SourceTime.now().epochMilliseconds / 1000 - 60) * 1000
        try await t.live { client in
            // 1 s outside (no alarm), 5 s outside (alarm after 3 s), then a +0.12 Hz step (RoCoF).
            try await post(client, t, base: base, [60.0, 59.95, 59.88, 59.84, 59.88, 59.95, 60.0, 59.94, 59.88, 59.82, 59.82, 59.82, 59.82, 59.82, 59.88, 59.94, 60.0, 60.12, 60.12])
            var events: [EventRecord] = []
            for _ in 0..<100 where events.count < 4 {
                try await Task.sleep(for: .milliseconds(50))
                events = try await frequencyEvents(client, t)
            }
            let summary = events.map { "\($0.event.eventType) \($0.event.severity) \($0.event.newState ?? "") \($0.time.epochMilliseconds - base)" }
            #expect(
                summary == [
                    "FREQUENCY_EXCURSION ALARM ALARM_LOW 12000", "FREQUENCY_EXCURSION INFO NORMAL 14000", "ROCOF ALARM ROCOF_RISING 17000",
                    "ROCOF INFO NORMAL 18000",
                ], "\(summary)")
            #expect(events.allSatisfy { $0.event.substationID == SubstationID("SUB001") })
        }
    }

    @Test func theJudgeCanBeTurnedOff() async throws {
        let t = try await TestHub.make {
            $0.frequency.persistenceSeconds = 0
            $0.frequency.alarmsEnabled = false
        }
        let base = (SourceTime.now().epochMilliseconds / 1000 - 60) * 1000
        try await t.live { client in
            try await post(client, t, base: base, [60.0, 59.0, 59.0, 60.0])
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await frequencyEvents(client, t).isEmpty)
        }
    }
}
