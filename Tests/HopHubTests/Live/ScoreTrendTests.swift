import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `scoreTrend` (behind `/api/query/ml/trend`): bounded per substation over long ranges, every
/// anomaly and the newest scores kept, short ranges whole.
@Suite struct ScoreTrendTests {
    static let minute: Int64 = 60_000

    /// `count` minute scores per substation ending one minute before `now`; every 700th is an anomaly.
    static func seed(_ t: TestHub, subs: [String], count: Int, now: Int64) async throws -> Set<String> {
        var scores: [StoredScore] = []
        var anomalies: Set<String> = []
        for sub in subs {
            for i in 0..<count {
                let ts = now - Int64(count - i) * minute
                let anomalous = i % 700 == 350
                if anomalous { anomalies.insert("\(sub)@\(ts)") }
                scores.append(StoredScore(ts: ts, substationID: SubstationID(sub), result: ZScoreModel.Result(
                    anomalyScore: anomalous ? 0.95 : Double(i % 40) / 100, isAnomaly: anomalous, zScore: 1, baselineMean: 60,
                    baselineStd: 0.01, latestValue: 60, classification: anomalous ? .anomaly : .normal)))
            }
        }
        try await t.hub.sqlite.writeScores(scores)
        return anomalies
    }

    @Test func sevenDaysAreThinnedPerSubstationWithEveryAnomalyAndTheNewestScore() async throws {
        let t = try await TestHub.make()
        let now = SourceTime.now().epochMilliseconds
        let count = 7 * 24 * 60
        let anomalies = try await Self.seed(t, subs: ["SUB001", "SUB002", "SUB003"], count: count, now: now)
        let since = now - Int64(count) * Self.minute
        let started = ContinuousClock.now
        let trend = try await t.hub.sqlite.scoreTrend(since: since, until: now, scope: .all, limit: 20_000, maxPointsPerSubstation: 1500)
        print("scoreTrend 7 days x 3 substations (\(3 * count) rows) -> \(trend.count) in \(ContinuousClock.now - started)")
        #expect(trend.count <= 3 * 1501 + anomalies.count, "\(trend.count)")
        #expect(trend.map(\.time.epochMilliseconds) == trend.map(\.time.epochMilliseconds).sorted())
        let kept = Set(trend.filter(\.isAnomaly).map { "\($0.substationID)@\($0.time.epochMilliseconds)" })
        #expect(anomalies.isSubset(of: kept), "\(anomalies.subtracting(kept).sorted().prefix(3))")
        for sub in ["SUB001", "SUB002", "SUB003"] {
            let mine = trend.filter { $0.substationID.rawValue == sub }.map(\.time.epochMilliseconds)
            #expect(mine.max() == now - Self.minute, "\(sub) lost its newest score")
            // 1,500 points asked are 6.7-minute buckets; ten minutes are taken: 1,008 buckets.
            #expect(mine.count >= 1008 && mine.count <= 1008 + 2 + 15, "\(sub): \(mine.count) points")
        }
        // Scoped: a caller limited to SUB002 gets only SUB002.
        let scoped = try await t.hub.sqlite.scoreTrend(since: since, until: now, scope: .only(["SUB002"]), limit: 20_000, maxPointsPerSubstation: 1500)
        #expect(!scoped.isEmpty && scoped.allSatisfy { $0.substationID == "SUB002" })
    }

    @Test func shortRangesAreWholeAndACappedAnswerKeepsTheNewest() async throws {
        let t = try await TestHub.make()
        let now = SourceTime.now().epochMilliseconds
        _ = try await Self.seed(t, subs: ["SUB001", "SUB002"], count: 60, now: now)
        let hour = try await t.hub.sqlite.scoreTrend(
            since: now - 60 * Self.minute, until: now, scope: .all, limit: 20_000, maxPointsPerSubstation: 1500)
        #expect(hour.count == 120, "every score of a short range")
        let capped = try await t.hub.sqlite.scoreTrend(
            since: now - 60 * Self.minute, until: now, scope: .all, limit: 5, maxPointsPerSubstation: 1500)
        #expect(capped.count == 5)
        #expect(capped.last?.time == hour.last?.time && capped.first?.time == hour[hour.count - 5].time)
    }

    @Test func aLongRangeOverManySubstationsIsThinnedToFitTheLimitAndEndsAtEachNewestScore() async throws {
        let t = try await TestHub.make()
        let now = SourceTime.now().epochMilliseconds
        let subs = (1...12).map { String(format: "SUB%03d", $0) }
        let count = 7 * 24 * 60
        _ = try await Self.seed(t, subs: subs, count: count, now: now)
        // A newest score below its bucket's peak is still the one that says where SUB001 stands now.
        try await t.hub.sqlite.writeScores([StoredScore(ts: now, substationID: "SUB001", result: ZScoreModel.Result(
            anomalyScore: 0, isAnomaly: false, zScore: 0, baselineMean: 60, baselineStd: 0.01, latestValue: 60, classification: .normal))])
        let since = now - Int64(count) * Self.minute
        let trend = try await t.hub.sqlite.scoreTrend(since: since, until: now, scope: .all, limit: 6_000, maxPointsPerSubstation: 1500)
        #expect(trend.count <= 6_000)
        // 250 points asked per substation (the limit shared by twelve): buckets of 40.3 minutes
        // rounded up to the next width of the ladder, an hour: 168 buckets, the first one partial.
        let hour = 60 * Self.minute
        for sub in subs {
            let mine = trend.filter { $0.substationID.rawValue == sub }.map(\.time.epochMilliseconds)
            #expect((mine.min() ?? .max) < since + hour, "\(sub): the range's start is in the answer, not cut off by the limit")
            #expect(Set(mine.map { $0 / hour }).count >= 168, "\(sub): a point in every hour")
            #expect(mine.count >= 168 && mine.count <= 169 + 20, "\(sub): \(mine.count) points")
        }
        #expect(trend.last { $0.substationID == "SUB001" }?.time.epochMilliseconds == now)
    }

    /// Over HTTP a 7-day trend keeps at most `query.trend_points_per_substation` buckets per
    /// substation (what the portal's scatter plot can draw apart), each the next width of the
    /// ladder: 240 points ask for 42 minutes, an hour is taken; 60 ask for 168 minutes, three hours.
    /// Every anomaly is kept besides.
    @Test(arguments: [(240, 60), (60, 180)])
    func theTrendEndpointKeepsTheConfiguredBucketsPerSubstation(points: Int, bucketMinutes: Int) async throws {
        let t = try await TestHub.make { $0.trendPointsPerSubstation = points }
        let now = SourceTime.now().epochMilliseconds
        let anomalies = try await Self.seed(t, subs: ["SUB001", "SUB002"], count: 7 * 24 * 60, now: now)
        try await t.live { client in
            let answer = try await client.get("/api/query/ml/trend?minutes=10080", key: t.readKey)
            #expect(answer.status == .ok)
            let trend = try JSONDecoder().decode([AnomalyScore].self, from: Data(answer.text.utf8))
            for sub in ["SUB001", "SUB002"] {
                let normal = trend.filter { $0.substationID.rawValue == sub && !$0.isAnomaly }
                // One per bucket, the partial first bucket and the newest score besides.
                #expect(normal.count >= 10_080 / bucketMinutes && normal.count <= 10_080 / bucketMinutes + 2, "\(sub): \(normal.count)")
            }
            #expect(Set(trend.filter(\.isAnomaly).map { "\($0.substationID)@\($0.time.epochMilliseconds)" }) == anomalies)
        }
    }
}
