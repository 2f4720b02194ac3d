/// One quantity's statistics over a run of minutes or periods, as flat arrays: the entries in
/// which the quantity has readings, ordered by start, with their count, sum and extremes (the
/// `last` statistic is left out). What a long-range read of a single quantity needs, without a
/// ``MinuteStats`` (all four quantities) per entry.
public struct QuantityColumns: Sendable, Equatable {
    /// Start of each entry (minute or period), epoch milliseconds, increasing.
    public var starts: [Int64] = []
    public var counts: [Int] = []
    public var sums: [Double] = []
    public var mins: [Double] = []
    public var maxes: [Double] = []

    public init() {}

    /// The statistics of `column` in `minutes` (ordered by minute), leaving out minutes without it.
    public init(_ minutes: some Collection<MinuteStats>, _ column: ChunkColumn) {
        reserveCapacity(minutes.count)
        for m in minutes {
            if let s = m[column] { append(start: m.minute, count: s.count, sum: s.sum, min: s.min, max: s.max) }
        }
    }

    public var count: Int { starts.count }
    public var isEmpty: Bool { starts.isEmpty }

    public mutating func reserveCapacity(_ n: Int) {
        starts.reserveCapacity(n)
        counts.reserveCapacity(n)
        sums.reserveCapacity(n)
        mins.reserveCapacity(n)
        maxes.reserveCapacity(n)
    }

    @inline(__always)
    public mutating func append(start: Int64, count: Int, sum: Double, min: Double, max: Double) {
        starts.append(start)
        counts.append(count)
        sums.append(sum)
        mins.append(min)
        maxes.append(max)
    }

    /// Appends entry `i` of `other`.
    @inline(__always)
    public mutating func append(_ other: QuantityColumns, at i: Int) {
        append(start: other.starts[i], count: other.counts[i], sum: other.sums[i], min: other.mins[i], max: other.maxes[i])
    }

    /// Appends every entry of `other` (whose starts must follow this one's).
    public mutating func append(contentsOf other: QuantityColumns) {
        starts += other.starts
        counts += other.counts
        sums += other.sums
        mins += other.mins
        maxes += other.maxes
    }

    /// Appends the entries of `other` whose start lies in `range`.
    public mutating func append(_ other: QuantityColumns, startingIn range: Range<Int64>) {
        // The starts increase: the entries in `range` are one run of them.
        guard let first = other.starts.firstIndex(where: { $0 >= range.lowerBound }) else { return }
        let end = other.starts[first...].firstIndex(where: { $0 >= range.upperBound }) ?? other.count
        guard first < end else { return }
        starts += other.starts[first..<end]
        counts += other.counts[first..<end]
        sums += other.sums[first..<end]
        mins += other.mins[first..<end]
        maxes += other.maxes[first..<end]
    }

    /// Two sources of one series' entries (compacted statistics and not-yet-compacted rows), each
    /// ordered by start, combined; an entry present in both adds up (`a`'s sum plus `b`'s), as
    /// ``MinuteStats`` entries combine.
    public static func merge(_ a: QuantityColumns, _ b: QuantityColumns) -> QuantityColumns {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        var out = QuantityColumns()
        out.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a.starts[i] < b.starts[j]) {
                out.append(a, at: i)
                i += 1
            } else if i == a.count || b.starts[j] < a.starts[i] {
                out.append(b, at: j)
                j += 1
            } else {
                out.append(
                    start: a.starts[i], count: a.counts[i] + b.counts[j], sum: a.sums[i] + b.sums[j],
                    min: Swift.min(a.mins[i], b.mins[j]), max: Swift.max(a.maxes[i], b.maxes[j]))
                i += 1
                j += 1
            }
        }
        return out
    }
}
