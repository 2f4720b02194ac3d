import HopProtocol
import Testing

@testable import HopHubCore

/// Excursions judged on source times: persistence, one alarm per run, return to normal, gaps,
/// duplicates and out-of-order readings, the UFLS warning level.
@Suite struct FrequencyJudgeTests {
    let sub = SubstationID("SUB001")

    /// Feeds `(seconds, hz)` pairs and returns every transition.
    func run(_ judge: inout FrequencyJudge, _ readings: [(Double, Double)]) -> [FrequencyTransition] {
        readings.flatMap { judge.observe(sub, ts: Int64(($0.0 * 1000).rounded()), hz: $0.1) }
    }

    /// One reading a second from `from` to `to` seconds (inclusive) at `hz`.
    func steady(_ from: Int, _ to: Int, _ hz: Double, step: Int = 1) -> [(Double, Double)] {
        stride(from: from, through: to, by: step).map { (Double($0), hz) }
    }

    func excursions(_ t: [FrequencyTransition]) -> [FrequencyTransition] { t.filter { $0.condition == .excursionAlarm } }

    @Test func aDipShorterThanThePersistenceDoesNotAlarm() {
        var judge = FrequencyJudge(settings: FrequencySettings())  // seed: 59.85–60.15 Hz, 30 s
        let t = run(&judge, steady(0, 9, 60.0) + steady(10, 39, 59.80) + steady(40, 60, 60.0))
        #expect(excursions(t).isEmpty, "\(t)")
        #expect(judge.activeConditions(sub).isEmpty)
    }

    @Test func aLongerDipAlarmsExactlyOnceAndReturnsToNormal() throws {
        var judge = FrequencyJudge(settings: FrequencySettings())
        let dip = steady(10, 99, 59.80).map { ($0.0, $0.0 == 50 ? 59.78 : $0.1) }
        let t = excursions(run(&judge, steady(0, 9, 60.0) + dip + steady(100, 120, 60.0)))
        #expect(t.count == 2, "\(t)")
        let started = try #require(t.first)
        #expect(started.kind == .started && started.direction == .low)
        #expect(started.since == 10_000 && started.ts == 40_000, "alarm at the first reading 30 s after the first outside")
        #expect(started.value == 59.80 && started.limit == 59.85)
        let ended = try #require(t.last)
        #expect(ended.kind == .ended && ended.ts == 100_000 && ended.since == 10_000)
        #expect(ended.value == 60.0 && ended.extreme == 59.78)
        #expect(judge.activeConditions(sub).isEmpty)
    }

    @Test func persistenceIsCountedOnSourceTimesAtAnyPollInterval() throws {
        var settings = FrequencySettings()
        settings.persistenceSeconds = 12
        var judge = FrequencyJudge(settings: settings)
        // 5 s polls: outside at 5, 10, 15 → 15 − 5 = 10 s < 12; at 20 → 15 s ≥ 12.
        let t = excursions(run(&judge, steady(0, 0, 60.0) + steady(5, 20, 60.2, step: 5)))
        let started = try #require(t.first)
        #expect(t.count == 1 && started.ts == 20_000 && started.since == 5_000 && started.direction == .high)
        #expect(started.limit == 60.15)
    }

    @Test func aZeroPersistenceAlarmsOnTheFirstReadingOutside() {
        var settings = FrequencySettings()
        settings.persistenceSeconds = 0
        var judge = FrequencyJudge(settings: settings)
        let t = excursions(run(&judge, [(0, 60.0), (1, 59.84), (2, 59.84), (3, 59.9)]))
        #expect(t.map(\.kind) == [.started, .ended] && t[0].ts == 1000 && t[1].ts == 3000)
    }

    @Test func aGapRestartsAPendingRunButNotAnActiveOne() {
        var judge = FrequencyJudge(settings: FrequencySettings())  // max gap 30 s
        // 20 s outside, 40 s silence, 20 s outside: neither run is proven to have lasted 30 s.
        var t = excursions(run(&judge, steady(0, 20, 59.8) + steady(61, 80, 59.8)))
        #expect(t.isEmpty, "\(t)")
        t = excursions(run(&judge, steady(81, 91, 59.8)))
        #expect(t.count == 1 && t[0].since == 61_000 && t[0].ts == 91_000)
        // Active, then silent for a minute, still outside: no second alarm, no end.
        t = excursions(run(&judge, steady(160, 170, 59.8)))
        #expect(t.isEmpty)
        t = excursions(run(&judge, [(171, 60.0)]))
        #expect(t.count == 1 && t[0].kind == .ended && t[0].since == 61_000)
    }

    @Test func duplicateAndOutOfOrderReadingsAreIgnored() {
        var settings = FrequencySettings()
        settings.persistenceSeconds = 0
        var judge = FrequencyJudge(settings: settings)
        #expect(run(&judge, [(10, 60.0)]).isEmpty)
        #expect(run(&judge, [(10, 59.0)]).isEmpty, "same time again: ignored")
        #expect(run(&judge, [(5, 59.0)]).isEmpty, "older: ignored")
        #expect(run(&judge, [(11, 60.0)]).isEmpty)
        #expect(judge.latestRoCoF(sub) == 0)
    }

    @Test func theUFLSWarningStartsAtTheLevelAndEndsAboveIt() throws {
        var judge = FrequencyJudge(settings: FrequencySettings())  // UFLS 59.5 Hz, no persistence
        let t = run(&judge, [(0, 60.0), (1, 59.6), (2, 59.5), (3, 59.42), (4, 59.55), (5, 59.7)])
        let ufls = t.filter { $0.condition == .uflsWarning }
        #expect(ufls.map(\.kind) == [.started, .ended], "\(ufls)")
        #expect(ufls[0].ts == 2000 && ufls[0].value == 59.5 && ufls[0].limit == 59.5)
        #expect(ufls[1].ts == 4000 && ufls[1].extreme == 59.42 && ufls[1].since == 2000)
    }

    @Test func feedersAtOneInstantAreAveragedAndReadingsWithoutFrequencySkipped() {
        var settings = FrequencySettings()
        settings.persistenceSeconds = 0
        var judge = FrequencyJudge(settings: settings)
        func reading(_ feeder: String, _ ts: Int64, _ hz: Double?) -> StoredTelemetry {
            StoredTelemetry(
                Telemetry(substationID: sub, feederID: FeederID(feeder), frequencyHz: hz, ts: SourceTime(epochMilliseconds: ts)),
                arrival: ts)
        }
        // 59.80 and 59.92 average to 59.86: inside the band (the 0.14 Hz fall in 1 s is a RoCoF event).
        let t = judge.judge([reading("FDR002", 1000, 59.92), reading("FDR001", 1000, 59.80), reading("FDR003", 1000, nil), reading("FDR001", 0, 60.0)])
        #expect(excursions(t).isEmpty, "\(t)")
        #expect(t.map(\.condition) == [.rocof] && t[0].ts == 1000)
        #expect(abs((judge.latestRoCoF(sub) ?? 0) - (-0.14)) < 1e-9)
    }
}
