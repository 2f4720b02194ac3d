import HopChunks
import HopProtocol

/// One feeder's per-minute statistics, ordered by minute, one entry per minute.
public struct FeederMinutes: Sendable {
    public var feederID: String
    public var minutes: [MinuteStats]

    public init(feederID: String, minutes: [MinuteStats]) {
        self.feederID = feederID
        self.minutes = minutes
    }

    /// Readings in the densest quantity, summed over the minutes: how many raw points the feeder
    /// would give (what decides between raw readings and buckets).
    public var readings: Int {
        minutes.reduce(0) { total, m in
            total + ChunkColumn.allCases.reduce(0) { Swift.max($0, m[$1]?.count ?? 0) }
        }
    }

    /// Two sources of one feeder's minutes (compacted statistics and not-yet-compacted rows),
    /// each ordered by minute, combined; a minute present in both adds up.
    public static func merge(_ a: [MinuteStats], _ b: [MinuteStats]) -> [MinuteStats] {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        var out: [MinuteStats] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].minute < b[j].minute) {
                out.append(a[i]); i += 1
            } else if i == a.count || b[j].minute < a[i].minute {
                out.append(b[j]); j += 1
            } else {
                var m = a[i]
                for column in ChunkColumn.allCases {
                    if let later = b[j][column] { m[column] = m[column].map { $0.combined(with: later) } ?? later }
                }
                out.append(m)
                i += 1; j += 1
            }
        }
        return out
    }
}

/// Long-range answers from per-minute statistics: buckets of `widthMs` starting at multiples of
/// it, each with the count-weighted mean and the extremes of every minute in it. Shared by every
/// store backend.
public enum MinuteBuckets {
    struct Accumulator {
        var sum = 0.0
        var count = 0
        var min = Double.infinity
        var max = -Double.infinity

        mutating func add(_ s: QuantityStats) {
            sum += s.sum
            count += s.count
            min = Swift.min(min, s.min)
            max = Swift.max(max, s.max)
        }

        var mean: Double? { count > 0 ? sum / Double(count) : nil }
        var low: Double? { count > 0 ? min : nil }
        var high: Double? { count > 0 ? max : nil }
    }

    /// Bucket start of `minute` (floor to a multiple of `widthMs`).
    public static func bucket(_ minute: Int64, _ widthMs: Int64) -> Int64 {
        let q = minute / widthMs
        return (minute % widthMs < 0 ? q - 1 : q) * widthMs
    }

    /// Per bucket and feeder (ordered so): mean, min and max of each quantity, over the minutes in
    /// `from...to`.
    public static func timeSeries(_ feeders: [FeederMinutes], widthMs: Int64, from: Int64, to: Int64) -> [TimeSeriesPoint] {
        var points: [(bucket: Int64, feeder: String, point: TimeSeriesPoint)] = []
        for feeder in feeders {
            var current: Int64?
            var acc = [Accumulator](repeating: Accumulator(), count: 4)
            func flush() {
                guard let start = current else { return }
                points.append((start, feeder.feederID, TimeSeriesPoint(
                    time: SourceTime(epochMilliseconds: start), feederID: feeder.feederID.isEmpty ? nil : FeederID(feeder.feederID),
                    values: MetricValues(voltageKV: acc[0].mean, currentA: acc[1].mean, powerMW: acc[2].mean, frequencyHz: acc[3].mean),
                    min: MetricValues(voltageKV: acc[0].low, currentA: acc[1].low, powerMW: acc[2].low, frequencyHz: acc[3].low),
                    max: MetricValues(voltageKV: acc[0].high, currentA: acc[1].high, powerMW: acc[2].high, frequencyHz: acc[3].high))))
            }
            for m in feeder.minutes where m.minute >= from && m.minute <= to {
                let b = bucket(m.minute, widthMs)
                if b != current {
                    flush()
                    current = b
                    acc = [Accumulator](repeating: Accumulator(), count: 4)
                }
                for column in ChunkColumn.allCases {
                    if let s = m[column] { acc[column.rawValue].add(s) }
                }
            }
            flush()
        }
        return points.sorted { $0.bucket != $1.bucket ? $0.bucket < $1.bucket : $0.feeder < $1.feeder }.map(\.point)
    }

    /// Per bucket: the substation's frequency (mean over every feeder's frequency readings in it),
    /// with the lowest and highest reading; buckets without a frequency reading are left out.
    public static func frequency(_ feeders: [FeederMinutes], widthMs: Int64, from: Int64, to: Int64) -> [FrequencyPoint] {
        frequency(feeders.map { QuantityColumns($0.minutes, .frequencyHz) }, widthMs: widthMs, from: from, to: to)
    }

    /// ``frequency(_:widthMs:from:to:)`` from each feeder's frequency statistics (ordered by
    /// feeder): each feeder's entries are added up per bucket in time order, then the feeders'
    /// bucket totals in feeder order, so every sum is the same floating-point sum.
    public static func frequency(_ feeders: [QuantityColumns], widthMs: Int64, from: Int64, to: Int64) -> [FrequencyPoint] {
        var perFeeder: [[(bucket: Int64, acc: Accumulator)]] = []
        for feeder in feeders {
            var buckets: [(bucket: Int64, acc: Accumulator)] = []
            var acc = Accumulator()
            for i in feeder.starts.indices where feeder.starts[i] >= from && feeder.starts[i] <= to {
                let b = bucket(feeder.starts[i], widthMs)
                if b != buckets.last?.bucket {
                    if !buckets.isEmpty { buckets[buckets.count - 1].acc = acc }
                    buckets.append((b, Accumulator()))
                    acc = Accumulator()
                }
                acc.sum += feeder.sums[i]
                acc.count += feeder.counts[i]
                acc.min = Swift.min(acc.min, feeder.mins[i])
                acc.max = Swift.max(acc.max, feeder.maxes[i])
            }
            if !buckets.isEmpty { buckets[buckets.count - 1].acc = acc }
            perFeeder.append(buckets)
        }
        // Merge the feeders' bucket lists (each ordered by bucket), feeder order within a bucket.
        var next = [Int](repeating: 0, count: perFeeder.count)
        var points: [FrequencyPoint] = []
        while true {
            var earliest: Int64?
            for f in perFeeder.indices where next[f] < perFeeder[f].count {
                earliest = Swift.min(earliest ?? .max, perFeeder[f][next[f]].bucket)
            }
            guard let b = earliest else { break }
            var acc = Accumulator()
            for f in perFeeder.indices where next[f] < perFeeder[f].count && perFeeder[f][next[f]].bucket == b {
                acc.merge(perFeeder[f][next[f]].acc)
                next[f] += 1
            }
            if let mean = acc.mean {
                points.append(FrequencyPoint(time: SourceTime(epochMilliseconds: b), frequencyHz: mean, minHz: acc.low, maxHz: acc.high))
            }
        }
        return points
    }
}

extension MinuteBuckets.Accumulator {
    mutating func merge(_ other: Self) {
        sum += other.sum
        count += other.count
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }
}
