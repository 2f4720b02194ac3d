import Testing

@testable import HopProtocol

/// The batch `health` object and the other time fields are bounded like the rest of the API.
@Suite struct HealthValidationTests {
    static let now = SourceTime(epochMilliseconds: 1_795_705_445_000)
    let validator = Validator(now: now)
    static let day: Int64 = 86_400_000

    static func health(_ change: (inout EdgeHealth) -> Void) -> EdgeHealth {
        var h = EdgeHealth(
            journalDepth: 10, oldestUnsentAgeSeconds: 2.5, evictedTotal: 0, quarantinedTotal: 0,
            devices: [DeviceHealth(name: "rtu-1", substationID: "SUB001", commState: "ok", lastPollLatencyMs: 12, lastPollAt: now)],
            agentVersion: "1.2.0")
        change(&h)
        return h
    }

    @Test func acceptsWhatAnEdgeSends() throws {
        try validator.validate(Self.health { _ in })
        try validator.validate(Self.health { $0.devices = [] })
    }

    @Test(arguments: [
        ("health.journal_depth", Self.health { $0.journalDepth = -1 }),
        ("health.evicted_total", Self.health { $0.evictedTotal = -5 }),
        ("health.quarantined_total", Self.health { $0.quarantinedTotal = .max }),
        ("health.oldest_unsent_age_s", Self.health { $0.oldestUnsentAgeSeconds = -1 }),
        ("health.oldest_unsent_age_s", Self.health { $0.oldestUnsentAgeSeconds = .infinity }),
        ("health.agent_version", Self.health { $0.agentVersion = String(repeating: "v", count: 65) }),
        ("health.devices", Self.health { h in h.devices = Array(repeating: h.devices[0], count: 1_001) }),
        ("health.devices[0].name", Self.health { $0.devices[0].name = "" }),
        ("health.devices[0].name", Self.health { $0.devices[0].name = String(repeating: "n", count: 2_000_000) }),
        ("health.devices[0].name", Self.health { $0.devices[0].name = "rtu\u{7}" }),
        ("health.devices[0].substation_id", Self.health { $0.devices[0].substationID = "<b>SUB</b>" }),
        ("health.devices[0].substation_id", Self.health { $0.devices[0].substationID = "SUB\u{0}1" }),
        ("health.devices[0].comm_state", Self.health { $0.devices[0].commState = "ok<script>" }),
        ("health.devices[0].last_poll_latency_ms", Self.health { $0.devices[0].lastPollLatencyMs = -3 }),
        ("health.devices[0].last_poll_at", Self.health { $0.devices[0].lastPollAt = now.adding(milliseconds: day) }),
        ("health.devices[0].last_poll_at", Self.health { $0.devices[0].lastPollAt = SourceTime(epochMilliseconds: .min) }),
    ])
    func refusesNamingTheField(field: String, health: EdgeHealth) {
        #expect {
            try validator.validate(health)
        } throws: { error in
            (error as? ValidationFailure)?.field == field
        }
    }

    @Test func batchHealthAndSentAtAreValidatedWithTheBatch() {
        let bad = Batch(edgeID: "e1", seq: 1, health: Self.health { $0.journalDepth = -1 })
        #expect(throws: ValidationFailure(field: "health.journal_depth", message: "must be a count from 0 to 1000000000000, got -1")) {
            try validator.validate(bad)
        }
        let late = Batch(edgeID: "e1", seq: 1, sentAt: Self.now.adding(milliseconds: Self.day))
        #expect { try validator.validate(late) } throws: { ($0 as? ValidationFailure)?.field == "sent_at" }
    }

    @Test func etrTimeMayBeAForecastButNotBeyondItsHorizon() throws {
        func outage(_ etr: SourceTime) -> Outage { Outage(outageID: "O1", substationID: "SUB001", status: "ACTIVE", etrTime: etr) }
        try validator.validate(outage(Self.now.adding(milliseconds: 3 * Self.day)))
        try validator.validate(outage(Self.now.adding(milliseconds: -Self.day)))
        for etr in [Self.now.adding(milliseconds: 401 * Self.day), Self.now.adding(milliseconds: -401 * Self.day), SourceTime(epochMilliseconds: .min)] {
            #expect { try validator.validate(outage(etr)) } throws: { ($0 as? ValidationFailure)?.field == "etr_time" }
        }
    }
}
