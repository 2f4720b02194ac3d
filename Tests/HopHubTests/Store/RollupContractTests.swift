import Foundation
import HopProtocol
import Testing

@testable import HopHub
#if canImport(HopHubCore)
@testable import HopHubCore
#endif
#if canImport(HopHubSQLite)
@testable import HopHubSQLite
#endif

/// Rollup buckets, latest values and substations as the query protocols serve them. Runs per
/// backend, like `StoreContractTests`: every store must answer the same.
@Suite struct RollupContractTests {
    typealias Backend = StoreContractTests.Backend
    typealias Sample = StoreTestData.Sample
    let minute = StoreTestData.minute
    /// Ten minutes starting on a five-minute boundary, one hour before the fixed `now`.
    let base = StoreTestData.now - 3_600_000
    /// The ten minutes from `base` with a budget of 3 points: two 5-minute buckets.
    var tenMinutes: SeriesWindow { SeriesWindow(from: base, to: base + 10 * minute - 1, maxPoints: 3) }

    /// Stores `samples` in `commits` separate commits (sample k goes to commit k % commits), each
    /// commit's readings in reverse source-time order, so rollups are merged across transactions
    /// and built from out-of-order input.
    func store(_ samples: [Sample], in store: any HubStore, commits: Int = 3, substation: String = "SUB001") async throws {
        for c in 0..<commits {
            let part = samples.enumerated().filter { $0.offset % commits == c }.map { $0.element.stored(substation) }
            if part.isEmpty { continue }
            #expect(try await store.commit([IngestWrite(telemetry: part.reversed(), arrival: StoredTestClock.arrival)]) == [.stored])
        }
    }

    /// Two feeders over ten minutes, 0 to 6 readings per feeder-minute, all four quantities varying.
    var uneven: [Sample] {
        var samples: [Sample] = []
        for m in 0..<10 {
            for (fi, feeder) in ["FDR001", "FDR002"].enumerated() {
                let count = (m * 3 + fi * 2) % 7  // 0…6, so minutes weigh differently
                for k in 0..<count {
                    let n = Double(m * 13 + k * 7 + fi * 5)
                    samples.append(Sample(
                        ts: base + Int64(m) * minute + Int64(k) * 7_000 + Int64(fi) * 100, feeder: feeder,
                        v: 220 + n.truncatingRemainder(dividingBy: 23), i: 900 + (n * 3).truncatingRemainder(dividingBy: 211),
                        p: 250 + (n * 5).truncatingRemainder(dividingBy: 97), f: 59.9 + (n * 11).truncatingRemainder(dividingBy: 20) / 100))
                }
            }
        }
        return samples
    }

    @Test(arguments: Backend.allCases)
    func multiMinuteBucketsAverageEveryQuantityWeightedByReadingCount(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let samples = uneven
        try await self.store(samples, in: store)
        let expected = StoreTestData.buckets(samples, width: 5 * minute)

        // The data must tell a weighted average from an average of per-minute averages.
        let naiveDiffers = Dictionary(grouping: samples) { StoreTestData.BucketKey(start: $0.ts / (5 * minute) * 5 * minute, feeder: $0.feeder) }
            .contains { key, bucket in
                let perMinute = Dictionary(grouping: bucket) { $0.ts / minute }.values.map { m in m.compactMap(\.v).reduce(0, +) / Double(m.count) }
                return abs(perMinute.reduce(0, +) / Double(perMinute.count) - expected[key]!.v!.average) > 1e-3
            }
        #expect(naiveDiffers)

        let series = try await store.timeSeries(substation: "SUB001", window: tenMinutes)
        #expect(series.resolutionSeconds == 300)
        #expect(series.points.count == expected.count)
        for point in series.points {
            let key = StoreTestData.BucketKey(start: point.time.epochMilliseconds, feeder: point.feederID?.rawValue ?? "")
            guard let want = expected[key] else {
                Issue.record("unexpected bucket \(key)")
                continue
            }
            StoreTestData.check(point, against: want)
        }
    }

    @Test(arguments: Backend.allCases)
    func aGroupCommitsRollupsLatestAndSubstationsCountItsStoredWritesOnly(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let samples = uneven
        // Three edges' writes in one group, and a repeat of the first edge's batch (refused as a
        // duplicate) carrying readings that would move every bucket, the latest value and the site.
        let writes = (0..<3).map { k in
            IngestWrite(
                edge: (EdgeID("e\(k)"), 1, "key-e\(k)"),
                telemetry: samples.enumerated().filter { $0.offset % 3 == k }.map { $0.element.stored(site: "Site A") }.reversed(),
                arrival: StoredTestClock.arrival)
        }
        let outlier = Sample(ts: base + 10 * minute - 2, feeder: "FDR001", v: 999, i: 1, p: 1, f: 70)
        let refused = IngestWrite(
            edge: (EdgeID("e0"), 1, "key-e0"), telemetry: [outlier.stored(site: "Not A")], arrival: StoredTestClock.arrival)
        #expect(try await store.commit([writes[0], refused, writes[1], writes[2]]) == [.stored, .duplicate, .stored, .stored])

        let expected = StoreTestData.buckets(samples, width: 5 * minute)
        let series = try await store.timeSeries(substation: "SUB001", window: tenMinutes)
        #expect(series.resolutionSeconds == 300)
        #expect(series.points.count == expected.count)
        for point in series.points {
            let key = StoreTestData.BucketKey(start: point.time.epochMilliseconds, feeder: point.feederID?.rawValue ?? "")
            StoreTestData.check(point, against: try #require(expected[key]))
        }
        let newest = try #require(samples.filter { $0.feeder == "FDR001" }.max { $0.ts < $1.ts })
        let latest = try #require(try await store.latestReadings(since: 0, scope: .all).first { $0.feederID == "FDR001" })
        #expect(latest.time.epochMilliseconds == newest.ts && latest.voltageKV == newest.v)
        let sub = try #require(try await store.substations(scope: .all, activeSince: 0).first)
        #expect(sub.siteName == "Site A")
        #expect(sub.firstSeen.epochMilliseconds == samples.map(\.ts).min() && sub.lastSeen.epochMilliseconds == samples.map(\.ts).max())
    }

    @Test(arguments: Backend.allCases)
    func frequencyBucketsWeighEveryReadingOfEveryFeederEqually(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let samples = uneven
        try await self.store(samples, in: store)
        // The substation's frequency over both feeders: one series, one point per bucket.
        let expected = Dictionary(grouping: samples) { $0.ts / (5 * minute) * 5 * minute }
            .mapValues { StoreTestData.Aggregate($0.compactMap(\.f))! }

        let answer = try await store.frequencySeries(window: tenMinutes, scope: .all)
        #expect(answer.resolutionSeconds == 300)
        let points = try #require(answer.series.first { $0.substationID == "SUB001" }).points
        #expect(points.map(\.time.epochMilliseconds) == expected.keys.sorted())
        for point in points {
            let want = try #require(expected[point.time.epochMilliseconds])
            #expect(StoreTestData.close(point.frequencyHz, want.average), "\(point.time): \(point.frequencyHz) vs \(want)")
            #expect(StoreTestData.close(point.minHz, want.min) && StoreTestData.close(point.maxHz, want.max), "\(point) vs \(want)")
        }
    }

    @Test(arguments: Backend.allCases)
    func minimumAndMaximumComeFromAnyMinuteOfTheirBucketOnly(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        // First bucket: the minimum in its last minute, the maximum in its first, each from its own
        // commit; the second bucket holds lower and higher values that must not leak into the first.
        let samples = [
            Sample(ts: base + 0 * minute + 1_000, v: 240, i: 1_500, p: 400, f: 60.09),
            Sample(ts: base + 2 * minute + 1_000, v: 230, i: 1_000, p: 300, f: 60.00),
            Sample(ts: base + 4 * minute + 59_000, v: 221, i: 700, p: 150, f: 59.91),
            Sample(ts: base + 5 * minute, v: 200, i: 100, p: 50, f: 59.5),
            Sample(ts: base + 9 * minute + 59_999, v: 260, i: 2_000, p: 500, f: 60.5),
        ]
        try await self.store(samples, in: store, commits: samples.count)
        let series = try await store.timeSeries(substation: "SUB001", window: tenMinutes)
        #expect(series.resolutionSeconds == 300)
        let expected = StoreTestData.buckets(samples, width: 5 * minute)
        #expect(series.points.map(\.time.epochMilliseconds) == [base, base + 5 * minute])
        for point in series.points {
            StoreTestData.check(point, against: try #require(expected[StoreTestData.BucketKey(start: point.time.epochMilliseconds, feeder: "FDR001")]))
        }
        #expect(series.points.first?.min?.voltageKV == 221 && series.points.first?.max?.voltageKV == 240)
    }

    @Test(arguments: Backend.allCases)
    func aMissingQuantityLeavesTheOthersAveragesAndExtremesAlone(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        // No reading has current; power only in the second bucket; the first bucket mixes
        // frequency-only and voltage-only readings with complete ones. One commit per reading, so
        // every rollup merge sees a missing quantity on one side or the other.
        let samples = [
            Sample(ts: base + 1_000, f: 59.0),  // frequency only, first into its minute
            Sample(ts: base + 2_000, v: 100, f: 60.0),
            Sample(ts: base + 3_000, v: 200, f: 60.2),
            Sample(ts: base + 1 * minute, f: 60.4),  // a minute with frequency only
            Sample(ts: base + 2 * minute, v: 300),  // voltage only
            Sample(ts: base + 6 * minute, p: 320, f: 60.1),  // second bucket: no voltage at all
            Sample(ts: base + 7 * minute, p: 330),
        ]
        try await self.store(samples, in: store, commits: samples.count)
        let series = try await store.timeSeries(substation: "SUB001", window: tenMinutes)
        #expect(series.resolutionSeconds == 300)
        let expected = StoreTestData.buckets(samples, width: 5 * minute)
        #expect(series.points.count == 2)
        for point in series.points {
            StoreTestData.check(point, against: try #require(expected[StoreTestData.BucketKey(start: point.time.epochMilliseconds, feeder: "FDR001")]))
        }
        // Spelled out: 200 = (100 + 200 + 300) / 3, not dragged towards 0 by the three readings without voltage.
        let first = try #require(series.points.first)
        #expect(first.voltageKV == 200 && first.min?.voltageKV == 100 && first.max?.voltageKV == 300)
        #expect(first.currentA == nil && first.min?.currentA == nil && first.max?.currentA == nil)
        #expect(first.powerMW == nil)
        #expect(series.points.last?.voltageKV == nil && series.points.last?.powerMW == 325)

        // Raw readings keep their gaps as gaps.
        let raw = try await store.timeSeries(substation: "SUB001", window: SeriesWindow(from: base, to: base + 10 * minute, maxPoints: 1_000))
        #expect(raw.resolutionSeconds == 0)
        #expect(raw.points.map(\.voltageKV) == samples.map(\.v))
        #expect(raw.points.map(\.frequencyHz) == samples.map(\.f))
        #expect(raw.points.allSatisfy { $0.currentA == nil })
    }

    @Test(arguments: Backend.allCases)
    func aLateReadingWithAnOlderTimeDoesNotBecomeTheLatest(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let t = base + 30_000
        func commit(_ samples: [Sample], site: String) async throws {
            #expect(try await store.commit([IngestWrite(telemetry: samples.map { $0.stored(site: site) }, arrival: StoredTestClock.arrival)]) == [.stored])
        }
        func latest() async throws -> LatestReading { try #require(try await store.latestReadings(since: 0, scope: .all).first) }

        try await commit([Sample(ts: t, v: 231, i: 1_000, p: 300, f: 60.01)], site: "Site B")
        try await commit([Sample(ts: t - 5_000, v: 229, i: 900, p: 290, f: 59.99)], site: "Site A (old name)")  // late, older
        var now = try await latest()
        #expect(now.time.epochMilliseconds == t && now.voltageKV == 231 && now.currentA == 1_000 && now.powerMW == 300 && now.frequencyHz == 60.01)
        var sub = try #require(try await store.substations(scope: .all, activeSince: 0).first)
        #expect(sub.siteName == "Site B")
        #expect(sub.lastSeen.epochMilliseconds == t && sub.firstSeen.epochMilliseconds == t - 5_000)

        try await commit([Sample(ts: t + 5_000, v: 232, i: 1_010, p: 301, f: 60.02)], site: "Site C")  // newer
        now = try await latest()
        #expect(now.time.epochMilliseconds == t + 5_000 && now.voltageKV == 232 && now.frequencyHz == 60.02)
        sub = try #require(try await store.substations(scope: .all, activeSince: 0).first)
        #expect(sub.siteName == "Site C" && sub.lastSeen.epochMilliseconds == t + 5_000)

        // Out of order inside one commit: the newest source time wins, not the last in the batch.
        try await commit([Sample(ts: t + 9_000, v: 240, f: 60.04), Sample(ts: t + 8_000, v: 239, f: 60.03)], site: "Site C")
        now = try await latest()
        #expect(now.time.epochMilliseconds == t + 9_000 && now.voltageKV == 240 && now.frequencyHz == 60.04)
        #expect(try await store.latestReadings(since: 0, scope: .all).count == 1)
    }
}

/// Arrival time for store-level writes (the store keeps it, queries do not read it).
enum StoredTestClock {
    static let arrival = StoreTestData.now
}
