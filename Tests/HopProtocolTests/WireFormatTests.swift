import Foundation
import Testing

@testable import HopProtocol

@Suite struct WireFormatTests {
    /// The seed's example body, verbatim.
    static let seedExample = """
        { "substation_id": "SUB001", "feeder_id": "FDR002", "device_id": "SUB001-FDR002", "site_name": "Portland North", "latitude": 45.5231, "longitude": -122.6765, "voltage_kv": 229.8, "current_a": 1187.4, "power_mw": 274.2, "frequency_hz": 60.002 }
        """

    @Test func seedExampleDecodes() throws {
        let t = try JSONDecoder().decode(Telemetry.self, from: Data(Self.seedExample.utf8))
        #expect(t.substationID == "SUB001")
        #expect(t.feederID == "FDR002")
        #expect(t.deviceID == "SUB001-FDR002")
        #expect(t.siteName == "Portland North")
        #expect(t.latitude == 45.5231 && t.longitude == -122.6765)
        #expect(t.voltageKV == 229.8 && t.currentA == 1187.4 && t.powerMW == 274.2 && t.frequencyHz == 60.002)
        #expect(t.ts == nil)
        try Validator(now: .now()).validate(t)
    }

    @Test func batchRoundTripsWithSnakeCaseKeys() throws {
        let batch = Batch(
            edgeID: "edge-1", seq: 7, sentAt: SourceTime(epochMilliseconds: 1_795_705_445_000),
            telemetry: [Telemetry(substationID: "SUB001", feederID: "FDR001", frequencyHz: 60.01, ts: SourceTime(epochMilliseconds: 1_795_705_444_000))],
            events: [GridEvent(substationID: "SUB001", feederID: "FDR001", severity: "ALARM", eventType: "FEEDER_TRIP", oldState: "CLOSED", newState: "OPEN")],
            health: EdgeHealth(journalDepth: 3, oldestUnsentAgeSeconds: 1.5, evictedTotal: 0, quarantinedTotal: 1,
                               devices: [DeviceHealth(name: "rtu1", substationID: "SUB001", commState: "ok", lastPollLatencyMs: 12)]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(batch), as: UTF8.self)
        #expect(json.contains("\"edge_id\":\"edge-1\""))
        #expect(json.contains("\"sent_at\":\"2026-11-26T15:04:05.000Z\""))
        #expect(json.contains("\"event_type\":\"FEEDER_TRIP\""))
        #expect(json.contains("\"journal_depth\":3"))
        #expect(json.contains("\"last_poll_latency_ms\":12"))
        #expect(try JSONDecoder().decode(Batch.self, from: Data(json.utf8)) == batch)
    }

    @Test func batchWithoutOptionalListsDecodes() throws {
        let b = try JSONDecoder().decode(Batch.self, from: Data(#"{"edge_id":"e","seq":1}"#.utf8))
        #expect(b.telemetry.isEmpty && b.events.isEmpty && b.outages.isEmpty && b.health == nil)
    }

    @Test func errorBodyShape() throws {
        let body = APIErrorBody(code: .validationFailed, message: "bad", field: "telemetry[0].frequency_hz")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(
            String(decoding: try encoder.encode(body), as: UTF8.self)
                == #"{"error":{"code":"validation_failed","field":"telemetry[0].frequency_hz","message":"bad"}}"#)
        #expect(APIErrorCode.unavailable.httpStatus == 503)
        #expect(APIErrorCode.payloadTooLarge.httpStatus == 413)
    }

    @Test func anomalyClassesFollowTheSeedCutoffs() {
        #expect(AnomalyClass(score: 0.0) == .normal)
        #expect(AnomalyClass(score: 0.3999) == .normal)
        #expect(AnomalyClass(score: 0.4) == .elevated)
        #expect(AnomalyClass(score: 0.6999) == .elevated)
        #expect(AnomalyClass(score: 0.7) == .anomaly)
        #expect(AnomalyClass(score: 1.0) == .anomaly)
    }
}
