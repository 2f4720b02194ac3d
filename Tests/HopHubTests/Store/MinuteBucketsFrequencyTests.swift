import HopChunks
import HopProtocol
import Testing

@testable import HopHubCore

/// The frequency buckets built column-wise (``QuantityColumns``) are those of the per-entry
/// computation they replaced, bit for bit: each feeder's minutes added per bucket in time order,
/// then the feeders' bucket totals in feeder order.
@Suite struct MinuteBucketsFrequencyTests {
    /// The per-entry computation, as it was written before the column-wise one (a dictionary of
    /// buckets filled feeder by feeder).
    static func reference(_ feeders: [FeederMinutes], widthMs: Int64, from: Int64, to: Int64) -> [FrequencyPoint] {
        var buckets: [Int64: (sum: Double, count: Int, min: Double, max: Double)] = [:]
        for feeder in feeders {
            var current: Int64?
            var acc = (sum: 0.0, count: 0, min: Double.infinity, max: -Double.infinity)
            func flush() {
                guard let current else { return }
                var b = buckets[current] ?? (0, 0, .infinity, -.infinity)
                b = (b.sum + acc.sum, b.count + acc.count, min(b.min, acc.min), max(b.max, acc.max))
                buckets[current] = b
            }
            for m in feeder.minutes where m.minute >= from && m.minute <= to {
                guard let s = m.frequencyHz else { continue }
                let b = MinuteBuckets.bucket(m.minute, widthMs)
                if b != current {
                    flush()
                    current = b
                    acc = (0, 0, .infinity, -.infinity)
                }
                acc = (acc.sum + s.sum, acc.count + s.count, min(acc.min, s.min), max(acc.max, s.max))
            }
            flush()
        }
        return buckets.keys.sorted().map { b in
            let acc = buckets[b]!
            return FrequencyPoint(time: SourceTime(epochMilliseconds: b), frequencyHz: acc.sum / Double(acc.count), minHz: acc.min, maxHz: acc.max)
        }
    }

    /// Feeders with irregular minutes (gaps, minutes without a frequency reading, negative times)
    /// and sums of awkward magnitudes, so that any change in the order of additions shows.
    static func feeders(_ random: inout SystemRandomNumberGenerator) -> [FeederMinutes] {
        (0..<Int.random(in: 0...5, using: &random)).map { f in
            var minute = Int64.random(in: -3_000...3_000, using: &random) * 60_000
            var minutes: [MinuteStats] = []
            for _ in 0..<Int.random(in: 0...400, using: &random) {
                minute += Int64.random(in: 1...7, using: &random) * 60_000
                let count = Int.random(in: 1...60, using: &random)
                let low = 59.9 + Double.random(in: 0...0.1, using: &random)
                let high = low + Double.random(in: 0...0.2, using: &random)
                let stats = QuantityStats(count: count, sum: Double(count) * (low + high) / 2 + Double.random(in: -1e-9...1e-9, using: &random), min: low, max: high, last: high)
                minutes.append(MinuteStats(minute: minute, voltageKV: stats, frequencyHz: Int.random(in: 0..<10, using: &random) == 0 ? nil : stats))
            }
            return FeederMinutes(feederID: "FDR\(f)", minutes: minutes)
        }
    }

    static func bits(_ points: [FrequencyPoint]) -> [[UInt64?]] {
        points.map { [UInt64(bitPattern: $0.time.epochMilliseconds), $0.frequencyHz.bitPattern, $0.minHz?.bitPattern, $0.maxHz?.bitPattern] }
    }

    @Test func columnWiseBucketsAreThePerEntryOnesBitForBit() {
        var random = SystemRandomNumberGenerator()
        var points = 0
        for _ in 0..<300 {
            let feeders = Self.feeders(&random)
            let width = [60_000, 300_000, 600_000, 1_200_000, 3_600_000][Int.random(in: 0..<5, using: &random)] as Int64
            let from = MinuteBuckets.bucket(Int64.random(in: -3_500...3_000, using: &random) * 60_000, width)
            let to = from + Int64.random(in: 0...2_000, using: &random) * 60_000 + 59_999
            let expected = Self.reference(feeders, widthMs: width, from: from, to: to)
            let columns = feeders.map { QuantityColumns($0.minutes, .frequencyHz) }
            #expect(Self.bits(MinuteBuckets.frequency(columns, widthMs: width, from: from, to: to)) == Self.bits(expected))
            #expect(Self.bits(MinuteBuckets.frequency(feeders, widthMs: width, from: from, to: to)) == Self.bits(expected))
            points += expected.count
        }
        #expect(points > 1_000)
    }

    @Test func mergingColumnsIsMergingEntries() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let pair = Self.feeders(&random) + Self.feeders(&random)
            guard pair.count >= 2 else { continue }
            let (a, b) = (pair[0].minutes, pair[1].minutes)
            let merged = QuantityColumns.merge(QuantityColumns(a, .frequencyHz), QuantityColumns(b, .frequencyHz))
            #expect(merged == QuantityColumns(FeederMinutes.merge(a, b), .frequencyHz))
        }
    }
}
