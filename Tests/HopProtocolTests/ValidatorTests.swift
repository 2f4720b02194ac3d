import Testing

@testable import HopProtocol

@Suite struct ValidatorTests {
    static let now = SourceTime(epochMilliseconds: 1_795_705_445_000)
    let validator = Validator(now: now)

    static func reading(_ change: (inout Telemetry) -> Void) -> Telemetry {
        var t = Telemetry(
            substationID: "SUB001", feederID: "FDR001", siteName: "Portland North", latitude: 45.5, longitude: -122.6,
            voltageKV: 230, currentA: 1000, powerMW: 300, frequencyHz: 60)
        change(&t)
        return t
    }

    @Test func acceptsAPlausibleReading() throws {
        try validator.validate(Self.reading { _ in })
    }

    @Test(arguments: [
        ("frequency_hz", Self.reading { $0.frequencyHz = 75 }),
        ("frequency_hz", Self.reading { $0.frequencyHz = 39.9 }),
        ("frequency_hz", Self.reading { $0.frequencyHz = .nan }),
        ("voltage_kv", Self.reading { $0.voltageKV = .infinity }),
        ("voltage_kv", Self.reading { $0.voltageKV = -1 }),
        ("latitude", Self.reading { $0.latitude = 91 }),
        ("longitude", Self.reading { $0.longitude = -180.5 }),
        ("latitude", Self.reading { $0.latitude = nil }),
        ("power_mw", Self.reading { $0.powerMW = 1e6 }),
        ("substation_id", Self.reading { $0.substationID = "" }),
        ("substation_id", Self.reading { $0.substationID = "SUB 001" }),
        ("substation_id", Self.reading { $0.substationID = SubstationID(String(repeating: "S", count: 65)) }),
        ("feeder_id", Self.reading { $0.feederID = "<script>" }),
        ("site_name", Self.reading { $0.siteName = String(repeating: "x", count: 129) }),
        ("site_name", Self.reading { $0.siteName = "line\nbreak" }),
        ("voltage_kv", Self.reading { $0.voltageKV = nil; $0.currentA = nil; $0.powerMW = nil; $0.frequencyHz = nil }),
        ("ts", Self.reading { $0.ts = now.adding(milliseconds: 10 * 60 * 1000) }),
        ("ts", Self.reading { $0.ts = SourceTime(epochMilliseconds: 1_000) }),
    ])
    func rejects(field: String, reading: Telemetry) {
        #expect(throws: ValidationFailure.self) { try validator.validate(reading) }
        do {
            try validator.validate(reading)
        } catch {
            #expect(error.field == field)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func batchFailuresCarryTheRecordPath() {
        var batch = Batch(edgeID: "edge-1", seq: 1, telemetry: [Self.reading { _ in }, Self.reading { $0.frequencyHz = 80 }])
        do {
            try validator.validate(batch)
            Issue.record("expected a failure")
        } catch {
            #expect(error.field == "telemetry[1].frequency_hz")
        }
        batch.seq = 0
        #expect(throws: ValidationFailure.self) { try validator.validate(batch) }
    }

    @Test func eventsAndOutagesAreChecked() {
        #expect(throws: ValidationFailure.self) {
            try validator.validate(GridEvent(severity: "ALARM!", eventType: "FEEDER_TRIP"))
        }
        #expect(throws: ValidationFailure.self) {
            try validator.validate(Outage(outageID: "O1", customersOut: -5, status: "ACTIVE"))
        }
        #expect(throws: Never.self) {
            try validator.validate(Outage(outageID: "O1", customersOut: 5, status: "active"))
        }
    }
}
