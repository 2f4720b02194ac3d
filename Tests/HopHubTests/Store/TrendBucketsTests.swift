import Testing

@testable import HopHubCore

/// The trend's bucket widths: the next ladder width keeping at least half the points asked, raw
/// buckets only where ten minutes would keep fewer; the points asked bounded by the limit.
@Suite struct TrendBucketsTests {
    static let minute: Int64 = 60_000

    @Test(arguments: [
        // (range in minutes, substations, limit, points per substation) → (bucket minutes, from peaks)
        (360, 20, 20_000, 240, 1.5, false),  // 6 h: 90 s from the scores
        (1200, 20, 20_000, 240, 5, false),  // 20 h: five minutes; ten would keep 120 of 240, not more than half
        (1440, 20, 20_000, 240, 10, true),  // 24 h: six minutes asked, ten taken: 144 buckets
        (10_080, 20, 20_000, 240, 60, true),  // 7 days: 42 minutes asked, an hour taken: 168 buckets
        (10_080, 2, 20_000, 60, 180, true),  // 168 minutes asked, three hours taken
        (10_080, 12, 6_000, 1500, 60, true),  // the limit shared by 12 substations: 250 points, 40.3 minutes
        (43_200, 20, 20_000, 240, 180, true),  // 30 days: exactly three hours
        (525_600, 20, 20_000, 240, 2880, true),  // a year: 36.5 hours asked, whole days past the ladder: two
        (2880, 3, 600, 1500, 30, true),  // at least 100 points asked whatever the limit: 28.8 minutes
    ])
    func widths(minutes: Int64, substations: Int, limit: Int, points: Int, bucketMinutes: Double, fromPeaks: Bool) {
        let since: Int64 = 1_796_083_200_000
        let buckets = TrendBuckets(
            since: since, until: since + minutes * Self.minute, substations: substations, limit: limit, maxPointsPerSubstation: points)
        #expect(buckets.widthMs == Int64(bucketMinutes * 60_000))
        #expect(buckets.fromPeaks == fromPeaks)
        #expect(buckets.isWholeHours == (fromPeaks && Int64(bucketMinutes) % 60 == 0))
    }
}
