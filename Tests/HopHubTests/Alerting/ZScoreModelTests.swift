import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The seed's z-score against hand-computed fixtures (population std, N = 20, Z_THRESHOLD = 2.5).
@Suite struct ZScoreModelTests {
    let model = ZScoreModel(settings: ScoringSettings())

    @Test func flatWindowHasZeroStdAndScoresZero() throws {
        let r = try #require(model.score(Array(repeating: 60.0, count: 20)))
        #expect(r.baselineStd == 0 && r.zScore == 0 && r.anomalyScore == 0)
        #expect(r.baselineMean == 60 && r.latestValue == 60)
        #expect(!r.isAnomaly && r.classification == .normal)
    }

    @Test func fewerThanNReadingsIsNotScored() {
        #expect(model.score(Array(repeating: 60.0, count: 19)) == nil)
        #expect(model.score([]) == nil)
    }

    /// 10 × 59 then 10 × 61: mean 60, population std 1, z = (61 − 60)/1 = 1, score 1/2.5 = 0.4:
    /// exactly the ELEVATED cut-off (0.4 ≤ ELEVATED).
    @Test func elevatedAtTheCutOff() throws {
        let r = try #require(model.score(Array(repeating: 59.0, count: 10) + Array(repeating: 61.0, count: 10)))
        #expect(r.baselineMean == 60 && r.baselineStd == 1 && r.zScore == 1 && r.anomalyScore == 0.4)
        #expect(r.classification == .elevated && !r.isAnomaly)
    }

    /// 19 × 60 then 62: mean 60.1; variance (19·0.01 + 3.61)/20 = 0.19; z = 1.9/√0.19 = √19 ≈ 4.359.
    @Test func spikeIsAnAnomaly() throws {
        let r = try #require(model.score(Array(repeating: 60.0, count: 19) + [62.0]))
        #expect(abs(r.baselineMean - 60.1) < 1e-9)
        #expect(abs(r.baselineStd - 0.19.squareRoot()) < 1e-9)
        #expect(abs(r.zScore - 19.0.squareRoot()) < 1e-9)
        #expect(r.anomalyScore == 1 && r.isAnomaly && r.classification == .anomaly)
    }

    @Test func dropGivesANegativeZ() throws {
        let r = try #require(model.score(Array(repeating: 60.0, count: 19) + [58.0]))
        #expect(abs(r.zScore + 19.0.squareRoot()) < 1e-9)
        #expect(r.isAnomaly && r.latestValue == 58)
    }

    /// Only the last N readings count: wild older readings are outside the window.
    @Test func onlyTheLastNReadingsCount() throws {
        let r = try #require(model.score([10, 90, 10, 90, 10] + Array(repeating: 60.0, count: 20)))
        #expect(r.baselineStd == 0 && r.zScore == 0)
    }

    /// z = 1.75 → score 0.7 is ANOMALY (class) but not `is_anomaly` (|z| < 2.5).
    /// 10 × 58.25, 10 × 61.75: mean 60, std 1.75, z = 1.
    @Test func configurableThresholdsAndCutOffs() throws {
        var settings = ScoringSettings()
        settings.window = 4
        settings.zThreshold = 1.0
        settings.elevatedAt = 0.2
        settings.anomalyAt = 0.9
        let r = try #require(ZScoreModel(settings: settings).score([59, 61, 59, 61]))
        #expect(r.zScore == 1 && r.anomalyScore == 1 && r.isAnomaly && r.classification == .anomaly)
        let mid = try #require(ZScoreModel(settings: settings).score([59, 61, 59, 60]))
        // mean 59.75, variance (0.5625+1.5625+0.5625+0.0625)/4 = 0.6875, z = 0.25/√0.6875 ≈ 0.3015
        #expect(abs(mid.zScore - 0.25 / 0.6875.squareRoot()) < 1e-9)
        #expect(mid.classification == .elevated && !mid.isAnomaly)
    }
}
