import HopChunks
import Testing

@Suite("Minute statistics")
struct MinuteStatsTests {
    /// The statistics of `points` computed the plain way, for comparison.
    static func naive(_ points: [ChunkPoint], minute: Int64, _ column: ChunkColumn) -> (count: Int, sum: Double, min: Double, max: Double, last: Double)? {
        let values = points.filter { MinuteStats.minuteStart($0.ts) == minute }.compactMap { p in p[column].map { (p.ts, $0) } }
        guard !values.isEmpty else { return nil }
        return (values.count, values.reduce(0) { $0 + $1.1 }, values.map(\.1).min()!, values.map(\.1).max()!, values.max { $0.0 < $1.0 }!.1)
    }

    @Test("summaries match a plain computation on random series", arguments: 0..<4)
    func summariseRandom(batch: UInt64) throws {
        var random = SplitMix64(seed: 0x5EED + batch)
        for _ in 0..<30 {
            let points = RandomSeries.points(1 + Int(random.next() % 900), using: &random)
            let stats = MinuteStats.summarise(points)
            #expect(stats.map(\.minute) == Array(Set(points.map { MinuteStats.minuteStart($0.ts) })).sorted())
            for m in stats {
                for column in ChunkColumn.allCases {
                    let expected = Self.naive(points, minute: m.minute, column)
                    #expect((m[column] == nil) == (expected == nil))
                    guard let s = m[column], let expected else { continue }
                    #expect(s.count == expected.count)
                    #expect(s.min == expected.min && s.max == expected.max && s.last == expected.last)
                    // Either the plain sum or the exact decimal sum it was rounded to.
                    #expect(s.sum == expected.sum || abs(s.sum - expected.sum) <= abs(expected.sum) * 1e-12, "\(s.sum) vs \(expected.sum)")
                }
            }
        }
    }

    @Test func sumsOfDecimalsAreExact() {
        let points = (0..<60).map { ChunkPoint(ts: Int64($0) * 1000, voltageKV: 0.1, currentA: $0 % 2 == 0 ? 0.2 : 0.7, frequencyHz: 59.999) }
        let s = MinuteStats.summarise(points)[0]
        #expect(s.voltageKV?.sum == 6)
        #expect(s.currentA?.sum == 27)
        #expect(s.frequencyHz?.sum == 3599.94)
        #expect(s.powerMW == nil)
        // A value with no short decimal form keeps the plain floating-point sum.
        let odd = MinuteStats.summarise([ChunkPoint(ts: 0, voltageKV: 1.0 / 3), ChunkPoint(ts: 1, voltageKV: 1.0 / 3)])[0]
        #expect(odd.voltageKV?.sum == 1.0 / 3 + 1.0 / 3)
    }

    @Test func negativeTimesAlignToTheirMinute() {
        let s = MinuteStats.summarise([ChunkPoint(ts: -60_001, frequencyHz: 1), ChunkPoint(ts: -1, frequencyHz: 2), ChunkPoint(ts: 0, frequencyHz: 3)])
        #expect(s.map(\.minute) == [-120_000, -60_000, 0])
    }

    @Test("encode and decode give back every statistic bit for bit", arguments: 0..<4)
    func roundTrip(batch: UInt64) throws {
        var random = SplitMix64(seed: 0xAB + batch)
        for _ in 0..<30 {
            // Values within ±1e12 (ingest refuses implausible readings), so that no sum overflows.
            let points = RandomSeries.points(1 + Int(random.next() % 3000), using: &random).map { p in
                var p = p
                for column in ChunkColumn.allCases where abs(p[column] ?? 0) > 1e12 { p[column] = (p[column]! / 1e300).rounded() }
                return p
            }
            let stats = MinuteStats.summarise(points)
            let bytes = try MinuteStatsCodec.encode(stats)
            let decoded = try MinuteStatsCodec.decode(bytes)
            #expect(decoded.count == stats.count)
            for (a, b) in zip(decoded, stats) {
                #expect(a.minute == b.minute)
                for column in ChunkColumn.allCases {
                    #expect(a[column].map(Self.bits) == b[column].map(Self.bits))
                }
            }
            for column in ChunkColumn.allCases {
                let one = try MinuteStatsCodec.decode(bytes, only: column)
                #expect(one.minutes == stats.map(\.minute))
                #expect(one.stats.map { $0.map(Self.bits) } == stats.map { $0[column].map(Self.bits) })
                let columns = try MinuteStatsCodec.columns(bytes, only: column)
                #expect(Self.bits(columns) == Self.bits(QuantityColumns(stats, column)))
                #expect(columns.count == stats.filter { $0[column] != nil }.count)
            }
        }
    }

    /// Appending the entries that start in a range takes exactly those, in order, for ranges
    /// before, across, inside and after the entries.
    @Test func appendStartingInARangeTakesTheEntriesInIt() {
        var source = QuantityColumns()
        for k in 0..<10 { source.append(start: Int64(k) * 600, count: k + 1, sum: Double(k) * 50, min: Double(k), max: Double(k) + 0.5) }
        for (lower, upper) in [(-600, 0), (-600, 1), (0, 6000), (600, 1800), (601, 1800), (3000, 3001), (5400, 9000), (6000, 9000), (1200, 1200)] {
            let range = Int64(lower)..<Int64(upper)
            var appended = QuantityColumns()
            appended.append(start: -1200, count: 1, sum: 0, min: 0, max: 0)
            appended.append(source, startingIn: range)
            var expected = QuantityColumns()
            expected.append(start: -1200, count: 1, sum: 0, min: 0, max: 0)
            for i in source.starts.indices where range.contains(source.starts[i]) { expected.append(source, at: i) }
            #expect(Self.bits(appended) == Self.bits(expected), "\(range)")
        }
    }

    /// Every entry of `c` as its start, count and the bit patterns of its sum and extremes.
    static func bits(_ c: QuantityColumns) -> [[UInt64]] {
        c.starts.indices.map { i in
            [UInt64(bitPattern: c.starts[i]), UInt64(c.counts[i]), c.sums[i].bitPattern, c.mins[i].bitPattern, c.maxes[i].bitPattern]
        }
    }

    static func bits(_ s: QuantityStats) -> [UInt64] {
        [UInt64(s.count), s.sum.bitPattern, s.min.bitPattern, s.max.bitPattern, s.last.bitPattern]
    }

    @Test func extremes() throws {
        let big = QuantityStats(count: 3, sum: .greatestFiniteMagnitude, min: -.greatestFiniteMagnitude, max: .greatestFiniteMagnitude, last: 0)
        let tiny = QuantityStats(count: Int(Int32.max), sum: 5e-324, min: -5e-324, max: 5e-324, last: -0.0)
        let stats = [
            MinuteStats(minute: -62_135_596_800_000, voltageKV: big), MinuteStats(minute: 0, currentA: tiny),
            MinuteStats(minute: 253_402_300_740_000, voltageKV: tiny, currentA: big, powerMW: big, frequencyHz: tiny),
        ]
        let decoded = try MinuteStatsCodec.decode(try MinuteStatsCodec.encode(stats))
        for (a, b) in zip(decoded, stats) {
            for column in ChunkColumn.allCases { #expect(a[column].map(Self.bits) == b[column].map(Self.bits)) }
        }
    }

    @Test func inconsistentStatisticsAreRefused() {
        let ok = QuantityStats(count: 1, sum: 1, min: 1, max: 1, last: 1)
        var zero = ok
        zero.count = 0
        var outside = ok
        outside.last = 2
        var nan = ok
        nan.sum = .nan
        #expect(throws: ChunkError.self) { try MinuteStatsCodec.encode([MinuteStats(minute: 0, frequencyHz: zero)]) }
        #expect(throws: ChunkError.self) { try MinuteStatsCodec.encode([MinuteStats(minute: 0, frequencyHz: outside)]) }
        #expect(throws: ChunkError.nonFiniteValue(index: 0, column: .voltageKV)) { try MinuteStatsCodec.encode([MinuteStats(minute: 0, voltageKV: nan)]) }
        #expect(throws: ChunkError.noPoints) { try MinuteStatsCodec.encode([]) }
        #expect(throws: ChunkError.timestampsNotIncreasing(index: 1, previous: 60_000, current: 0)) {
            try MinuteStatsCodec.encode([MinuteStats(minute: 60_000, voltageKV: ok), MinuteStats(minute: 0, voltageKV: ok)])
        }
    }

    @Test func damageIsReportedNeverTrapped() throws {
        var random = SplitMix64(seed: 77)
        let bytes = try MinuteStatsCodec.encode(MinuteStats.summarise(ReferenceSeries.feeder(seed: 3, startMs: 0, seconds: 7200)))
        for _ in 0..<300 {
            var damaged = bytes
            let at = Int(random.next() % UInt64(bytes.count))
            damaged[at] ^= UInt8(1 << (random.next() % 8))
            #expect(throws: ChunkError.self) { try MinuteStatsCodec.decode(damaged) }
            #expect(throws: ChunkError.self) { try MinuteStatsCodec.decode(damaged, only: .frequencyHz) }
            #expect(throws: ChunkError.self) { try MinuteStatsCodec.columns(damaged, only: .frequencyHz) }
        }
        for length in [0, 1, 5, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ChunkError.self) { try MinuteStatsCodec.decode(Array(bytes.prefix(length))) }
        }
    }

    /// Periods decode column-wise with the same values and the same check of their starts.
    @Test func periodsDecodeColumnWise() throws {
        let points = ReferenceSeries.feeder(seed: 5, startMs: 1_795_700_000_000 / 86_400_000 * 86_400_000, seconds: 86_400)
        let periods = MinuteStats.periods(MinuteStats.summarise(points), widthMs: MinuteStats.tenMinutesMs)
        let bytes = try PeriodStatsCodec.encode(periods, widthMs: MinuteStats.tenMinutesMs)
        for column in ChunkColumn.allCases {
            let columns = try PeriodStatsCodec.columns(bytes, only: column, widthMs: MinuteStats.tenMinutesMs)
            #expect(Self.bits(columns) == Self.bits(QuantityColumns(periods, column)))
            #expect(columns.count == 144)
        }
        // Minute starts are not ten-minute period starts.
        let minutes = try MinuteStatsCodec.encode(MinuteStats.summarise(Array(points.prefix(600))))
        #expect(throws: ChunkError.self) { try PeriodStatsCodec.columns(minutes, only: .frequencyHz, widthMs: MinuteStats.tenMinutesMs) }
    }

    /// Two hours of the reference feeder: the statistics must stay a small fraction of the readings' chunk.
    @Test func referenceBlockIsCompact() throws {
        let points = ReferenceSeries.feeder(seed: 11, startMs: 1_795_700_000_000 / 7_200_000 * 7_200_000, seconds: 7200)
        let stats = try MinuteStatsCodec.encode(MinuteStats.summarise(points))
        let chunk = try ChunkEncoder.encode(points)
        let perMinute = Double(stats.count) / 120
        #expect(perMinute < 30, "minute statistics take \(perMinute) bytes per minute")
        #expect(stats.count * 6 < chunk.count, "statistics \(stats.count) B vs readings \(chunk.count) B")
    }
}
