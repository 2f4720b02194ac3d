/// How `ml/trend` cuts a range into time buckets, each keeping a substation's highest normal score;
/// the same on every store. A substation gets at most `maxPointsPerSubstation` buckets (fewer
/// when `limit` shared among the substations asks for it, never fewer than 100 asked for).
///
/// Each bucket takes the smallest width of ``ladder`` (then whole days) at least as wide as the
/// range divided by the points asked, so a substation gets between half of them and all of them;
/// these are whole periods of the score peaks, aligned to the epoch (a day at 240 points: 144
/// buckets of ten minutes; a week: 168 of an hour, which a store may read from hourly peaks).
/// Where even ten minutes would give fewer than half the points (buckets of five minutes or less),
/// the buckets are the range divided by the points, counted from `since`, and read from the scores.
public struct TrendBuckets: Hashable, Sendable {
    /// Width of one bucket, in milliseconds.
    public let widthMs: Int64
    /// True when the buckets are ladder widths aligned to the epoch (read from the peaks); false
    /// when they are counted from `since` (read from the scores).
    public let fromPeaks: Bool

    public static let hourMs: Int64 = 3_600_000
    static let dayMs: Int64 = 86_400_000

    /// Widths of ten minutes or more, smallest first; past the last, whole days.
    public static let ladder: [Int64] = [10, 20, 30, 60, 120, 180, 360, 720, 1440].map { Int64($0) * 60_000 }

    public init(since: Int64, until: Int64, substations: Int, limit: Int, maxPointsPerSubstation: Int) {
        let points = max(1, min(maxPointsPerSubstation, max(100, limit / max(1, 2 * substations))))
        let range = max(1, until - since)
        let wanted = (range + Int64(points) - 1) / Int64(points)
        if wanted * 2 <= Self.ladder[0] {
            widthMs = max(1, range / Int64(points))
            fromPeaks = false
        } else if let width = Self.ladder.first(where: { $0 >= wanted }) {
            widthMs = width
            fromPeaks = true
        } else {
            widthMs = (wanted + Self.dayMs - 1) / Self.dayMs * Self.dayMs
            fromPeaks = true
        }
    }

    /// True when each bucket is whole hours: hourly peaks hold the answer.
    public var isWholeHours: Bool { fromPeaks && widthMs % Self.hourMs == 0 }
}
