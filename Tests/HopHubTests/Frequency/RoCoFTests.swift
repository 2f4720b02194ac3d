import HopProtocol
import Testing

@testable import HopHubCore

/// RoCoF from consecutive readings: exact slopes of synthetic ramps, noise below the limit, gaps.
@Suite struct RoCoFTests {
    let sub = SubstationID("SUB001")

    func feed(_ judge: inout FrequencyJudge, _ readings: [(ms: Int64, hz: Double)]) -> [FrequencyTransition] {
        readings.flatMap { judge.observe(sub, ts: $0.ms, hz: $0.hz) }.filter { $0.condition == .rocof }
    }

    @Test(arguments: [(-0.25, 100), (0.4, 250), (-1.5, 20), (0.12, 1000)])
    func aRampGivesItsExactSlope(rate: Double, stepMs: Int) throws {
        var judge = FrequencyJudge(settings: FrequencySettings())
        let readings: [(ms: Int64, hz: Double)] = (0...20).map { i in
            let ms = Int64(i * stepMs)
            let hz: Double = 60 + rate * Double(ms) / 1000
            return (ms, hz)
        }
        _ = feed(&judge, readings)
        let latest = try #require(judge.latestRoCoF(sub))
        #expect(abs(latest - rate) < 1e-9, "\(latest)")
        let points = RoCoFSeriesBuilder.rocof(
            readings.map { FrequencyPoint(time: SourceTime(epochMilliseconds: $0.ms), frequencyHz: $0.hz) }, maxGapMs: 30_000)
        #expect(points.count == 20 && points.allSatisfy { abs($0.rocofHzPerS - rate) < 1e-9 })
    }

    @Test func aFastRampAlarmsAfterTheRoCoFPersistenceAndEndsWhenFlat() throws {
        var settings = FrequencySettings()  // limit 0.1 Hz/s over 1 s
        settings.persistenceSeconds = 3600
        var judge = FrequencyJudge(settings: settings)
        // 60 Hz flat, then −0.25 Hz/s in 100 ms steps for 2 s, then flat.
        var readings: [(ms: Int64, hz: Double)] = []
        for i in 0...10 { readings.append((Int64(i * 100), 60.0)) }
        for i in 1...20 { readings.append((Int64(1000 + i * 100), 60 - 0.025 * Double(i))) }
        for i in 1...10 { readings.append((Int64(3000 + i * 100), 59.5)) }
        let t = feed(&judge, readings)
        #expect(t.map(\.kind) == [.started, .ended], "\(t)")
        let started = try #require(t.first)
        // The first interval over the limit starts at 1.0 s; it has lasted 1 s at the reading of 2.0 s.
        #expect(started.since == 1000 && started.ts == 2000 && started.direction == .low)
        #expect(abs(started.value + 0.25) < 1e-9 && started.limit == 0.1)
        #expect(t[1].ts == 3100 && abs(t[1].extreme + 0.25) < 1e-9)
    }

    @Test func noiseBelowTheLimitNeverAlarms() {
        var judge = FrequencyJudge(settings: FrequencySettings())
        var state: UInt64 = 42
        func noise() -> Double {  // uniform in ±0.004 Hz (a SplitMix64 step)
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (Double((z ^ (z >> 31)) >> 11) / Double(1 << 53) - 0.5) * 0.008
        }
        var readings: [(ms: Int64, hz: Double)] = []
        for i in 0..<3600 { readings.append((Int64(i) * 1000, 60 + noise())) }
        #expect(feed(&judge, readings).isEmpty)
        #expect(abs(judge.latestRoCoF(sub) ?? 1) <= 0.008)
    }

    @Test func readingsFurtherApartThanTheGapLimitGiveNoRoCoF() {
        var settings = FrequencySettings()
        settings.maxGapSeconds = 5
        var judge = FrequencyJudge(settings: settings)
        let t = feed(&judge, [(0, 60.0), (10_000, 59.0), (20_000, 60.5)])
        #expect(t.isEmpty)
        #expect(judge.latestRoCoF(sub) == nil)
        _ = feed(&judge, [(21_000, 60.4)])
        #expect(abs((judge.latestRoCoF(sub) ?? 0) + 0.1) < 1e-9)
        let raw: [(Int64, Double)] = [(0, 60.0), (10_000, 59.0), (20_000, 60.5), (21_000, 60.4)]
        let points = RoCoFSeriesBuilder.rocof(
            raw.map { FrequencyPoint(time: SourceTime(epochMilliseconds: $0.0), frequencyHz: $0.1) }, maxGapMs: 5000)
        #expect(points.count == 1 && points[0].time.epochMilliseconds == 21_000)
    }

    @Test func aGapDuringAPendingRoCoFRunRestartsIt() {
        var settings = FrequencySettings()
        settings.rocofPersistenceSeconds = 2
        settings.maxGapSeconds = 5
        settings.persistenceSeconds = 3600
        var judge = FrequencyJudge(settings: settings)
        // One 1 s interval at −0.3 Hz/s, a 10 s gap, one more: never 2 s in one run.
        let t = feed(&judge, [(0, 60.0), (1000, 59.7), (11_000, 59.7), (12_000, 59.4)])
        #expect(t.isEmpty)
    }

    @Test func theSeriesBuilderAveragesPointsSharingATime() {
        let raw: [(Int64, Double)] = [(1000, 59.9), (0, 60.0), (1000, 59.7)]
        let points = RoCoFSeriesBuilder.rocof(
            raw.map { FrequencyPoint(time: SourceTime(epochMilliseconds: $0.0), frequencyHz: $0.1) }, maxGapMs: 30_000)
        #expect(points.count == 1 && abs(points[0].rocofHzPerS + 0.2) < 1e-9)
        let series = RoCoFSeries(substationID: sub, points: [
            RoCoFPoint(time: SourceTime(epochMilliseconds: 1), rocofHzPerS: 0.05),
            RoCoFPoint(time: SourceTime(epochMilliseconds: 2), rocofHzPerS: -0.3),
            RoCoFPoint(time: SourceTime(epochMilliseconds: 3), rocofHzPerS: 0.01),
        ])
        #expect(series.peakHzPerS == -0.3 && series.latestHzPerS == 0.01)
    }
}
