import HopProtocol
import Testing

@testable import HopHubCore

/// The z-score arithmetic on windows where the textbook formula goes wrong: long runs of one
/// value, one-ulp differences, single spikes, values at the ends of the double range.
@Suite struct ZScoreRobustnessTests {
    let model = ZScoreModel(settings: ScoringSettings())

    func model(window: Int) -> ZScoreModel {
        var settings = ScoringSettings()
        settings.window = window
        return ZScoreModel(settings: settings)
    }

    @Test func twentyReadingsOf59_99AreFlatAndNormal() throws {
        let values = Array(repeating: 59.99, count: 20)
        // The trap: summed and divided, the mean is not 59.99 (the textbook std is then 7e-15 and z = ±1).
        #expect(values.reduce(0, +) / 20 != 59.99)
        let r = try #require(model.score(values))
        #expect(r.zScore == 0 && r.baselineStd == 0 && r.anomalyScore == 0)
        #expect(r.baselineMean == 59.99 && r.latestValue == 59.99)
        #expect(r.classification == .normal && !r.isAnomaly)
    }

    @Test(arguments: [20, 100, 1000, 5000])
    func longRunsOfARepeatedValueScoreZeroAtAnyLevel(_ n: Int) throws {
        for value in [59.99, 60.01, 49.97, 59.999999, 0.1, 1.0 / 3, 1e-7, 123_456.789, -59.99, 0] {
            let r = try #require(model(window: n).score(Array(repeating: value, count: n)))
            #expect(r.zScore == 0 && r.baselineStd == 0 && r.baselineMean == value, "\(n) × \(value)")
            #expect(r.classification == .normal, "\(n) × \(value)")
        }
    }

    @Test func aRunAfterOlderDifferentReadingsIsStillFlat() throws {
        let r = try #require(model.score([59.5, 60.5] + Array(repeating: 59.99, count: 20)))
        #expect(r.zScore == 0 && r.classification == .normal)
    }

    /// One ulp apart is not a measurement: below one part in 10⁹ of the value the window is flat.
    @Test func nearlyFlatWindowsAreNormal() throws {
        let ulp = try #require(model.score(Array(repeating: 59.99, count: 19) + [(59.99 as Double).nextUp]))
        #expect(ulp.zScore == 0 && ulp.classification == .normal)
        let alternating = try #require(model.score((0..<20).map { $0 % 2 == 0 ? 60.0 : 60.0 + 1e-8 }))
        #expect(alternating.zScore == 0 && alternating.classification == .normal)
        // 1e-6 Hz is above the threshold: it scores as the formula says (z = 1 for an even split).
        let resolved = try #require(model.score((0..<20).map { $0 % 2 == 0 ? 60.0 : 60.0 + 1e-6 }))
        #expect(abs(resolved.zScore - 1) < 1e-6)
    }

    /// One outlier among N − 1 equal values: mean moves by d/N, std is d·√(N−1)/N, so z = √(N−1)
    /// whatever the level and the size of the step.
    @Test(arguments: [20, 100, 1000])
    func oneSpikeAfterARunScoresSqrtOfNMinusOne(_ n: Int) throws {
        for (level, step) in [(59.99, 0.05), (59.99, -0.2), (60.0, 2.0), (50.0, 0.001)] {
            let r = try #require(model(window: n).score(Array(repeating: level, count: n - 1) + [level + step]))
            #expect(abs(r.zScore - (step > 0 ? 1 : -1) * Double(n - 1).squareRoot()) < 1e-9, "\(n): \(level) \(step)")
            #expect(abs(r.baselineMean - (level + step / Double(n))) < 1e-9)
            #expect(abs(r.baselineStd - abs(step) * Double(n - 1).squareRoot() / Double(n)) < 1e-9)
            #expect(r.isAnomaly && r.classification == .anomaly && r.latestValue == level + step)
        }
    }

    @Test func aSpikeEarlierInTheWindowMakesTheLatestLookNormal() throws {
        // 60.5 early, then 19 × 59.99: z of the latest is −1/√19 ≈ −0.23, NORMAL.
        let r = try #require(model.score([60.5] + Array(repeating: 59.99, count: 19)))
        #expect(abs(r.zScore + 1 / 19.0.squareRoot()) < 1e-9)
        #expect(r.classification == .normal)
    }

    @Test func noisyWindowsAgreeWithTheTextbookFormula() throws {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let values = (0..<20).map { _ in 59.9 + Double(generator.next() % 20_000) / 100_000 }
            let mean = values.reduce(0, +) / 20
            let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 20).squareRoot()
            let r = try #require(model.score(values))
            #expect(abs(r.zScore - (values[19] - mean) / std) < 1e-9)
            #expect(abs(r.baselineMean - mean) < 1e-12 && abs(r.baselineStd - std) < 1e-12)
        }
    }

    /// The same shape at any magnitude gives the same z, without overflow or underflow.
    @Test(arguments: [1e-300, 1e-150, 1e-10, 1.0, 1e10, 1e150, 1e300, -1e300])
    func extremeMagnitudesScoreLikeOrdinaryOnes(_ k: Double) throws {
        let spike = try #require(model.score(Array(repeating: 1.0 * k, count: 19) + [1.5 * k]))
        #expect(abs(abs(spike.zScore) - 19.0.squareRoot()) < 1e-9, "\(k)")
        #expect(spike.baselineMean.isFinite && spike.baselineStd.isFinite)
        let flat = try #require(model.score(Array(repeating: 59.99 * k, count: 20)))
        #expect(flat.zScore == 0 && flat.baselineStd == 0, "\(k)")
        let split = try #require(model.score(Array(repeating: 59.0 * k, count: 10) + Array(repeating: 61.0 * k, count: 10)))
        #expect(abs(abs(split.zScore) - 1) < 1e-12, "\(k)")
    }

    @Test func theEndsOfTheDoubleRange() throws {
        let big = Double.greatestFiniteMagnitude
        let r = try #require(model.score((0..<20).map { $0 % 2 == 0 ? -big : big }))
        #expect(abs(r.zScore - 1) < 1e-12)
        let tiny = try #require(model.score(Array(repeating: Double.leastNonzeroMagnitude, count: 19) + [0]))
        #expect(tiny.zScore.isFinite)
        let subnormalFlat = try #require(model.score(Array(repeating: 1e-310, count: 20)))
        #expect(subnormalFlat.zScore == 0)
    }

    @Test func aNonFiniteReadingIsNotScored() {
        #expect(model.score(Array(repeating: 60.0, count: 19) + [.nan]) == nil)
        #expect(model.score([.infinity] + Array(repeating: 60.0, count: 19)) == nil)
    }
}

/// A small deterministic generator for reproducible noisy windows.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
