import HopChunks
import Testing

@Suite("Chunk round trip")
struct RoundTripTests {
    private func roundTrip(_ points: [ChunkPoint], _ context: String) throws {
        let bytes = try ChunkEncoder.encode(points)
        let decoded = try ChunkDecoder.decode(bytes)
        let difference = firstDifference(decoded, points)
        #expect(difference == nil, "\(context): \(difference ?? "")")
        let header = try ChunkDecoder.header(bytes)
        #expect(header.count == points.count)
        #expect(header.firstTimestamp == points.first?.ts)
        #expect(header.lastTimestamp == points.last?.ts)
        for column in ChunkColumn.allCases {
            #expect(header.presentCount(column) == points.filter { $0[column] != nil }.count)
        }
        #expect(try ChunkDecoder.layout(bytes).totalBytes == bytes.count)
    }

    @Test("random series of every shape decode to exactly the points encoded", arguments: 0..<8)
    func randomSeries(batch: UInt64) throws {
        var random = SplitMix64(seed: 0xC0FFEE + batch)
        for iteration in 0..<40 {
            let count = random.chance(0.2) ? 1 + Int(random.next() % 4) : 1 + Int(random.next() % 700)
            let points = RandomSeries.points(count, using: &random)
            try roundTrip(points, "batch \(batch) iteration \(iteration)")
        }
    }

    @Test("extreme values, subnormals and -0.0 round-trip bit for bit")
    func adversarialValues() throws {
        let values = RandomSeries.adversarialValues
        let points = values.indices.map { i in
            ChunkPoint(
                ts: Int64(i), voltageKV: values[i], currentA: values[(i + 1) % values.count],
                powerMW: -values[i], frequencyHz: values[values.count - 1 - i])
        }
        try roundTrip(points, "adversarial")
        // Each value alone in a column of short decimals: one exception in a decimal column.
        for value in values {
            var points = (0..<50).map { ChunkPoint(ts: Int64($0) * 1_000, voltageKV: 229.87 + Double($0) / 100) }
            points[25].voltageKV = value
            try roundTrip(points, "exception \(value)")
        }
    }

    @Test("-0.0 stays negative zero")
    func negativeZero() throws {
        let points = [ChunkPoint(ts: 0, voltageKV: -0.0), ChunkPoint(ts: 1, voltageKV: 0.0)]
        let decoded = try ChunkDecoder.decode(try ChunkEncoder.encode(points))
        #expect(decoded[0].voltageKV?.sign == .minus)
        #expect(decoded[1].voltageKV?.sign == .plus)
    }

    @Test("repeated values, all-absent columns, points with no value at all")
    func repeatedAndAbsent() throws {
        let constant = (0..<1_000).map { ChunkPoint(ts: Int64($0) * 1_000, voltageKV: 230, frequencyHz: 60) }
        try roundTrip(constant, "constant")
        let empty = (0..<100).map { ChunkPoint(ts: Int64($0) * 1_000) }
        try roundTrip(empty, "no values")
        let alternating = (0..<301).map { (i: Int) -> ChunkPoint in
            let voltage: Double? = i % 2 == 0 ? 1 : nil
            let current: Double? = i % 3 == 0 ? nil : 2.5
            return ChunkPoint(ts: Int64(i), voltageKV: voltage, currentA: current)
        }
        try roundTrip(alternating, "alternating")
    }

    @Test("timestamps: single point, extremes of Int64, negative epoch, gaps of hours")
    func timestamps() throws {
        try roundTrip([ChunkPoint(ts: 42, voltageKV: 1)], "single")
        try roundTrip([ChunkPoint(ts: Int64.min), ChunkPoint(ts: Int64.max)], "full range")
        try roundTrip([ChunkPoint(ts: Int64.min), ChunkPoint(ts: 0), ChunkPoint(ts: Int64.max)], "wrapping deltas")
        let start: Int64 = -86_400_000 * 365 * 30
        try roundTrip((0..<500).map { ChunkPoint(ts: start + Int64($0) * 997) }, "1940")
        let gappy = (0..<500).map { (i: Int) -> ChunkPoint in
            let ts: Int64 = Int64(i) * 1_000 + Int64(i / 100) * 7_200_000
            return ChunkPoint(ts: ts, powerMW: 1)
        }
        try roundTrip(gappy, "gaps")
    }

    @Test("a chunk of the maximum size round-trips; one more point is refused")
    func maximumSize() throws {
        var random = SplitMix64(seed: 7)
        let points = ReferenceSeries.feeder(seed: 7, startMs: 0, seconds: ChunkFormat.maxPoints * 11 / 10)
            .prefix(ChunkFormat.maxPoints)
            .map { p in
                var p = p
                if random.chance(0.001) { p.currentA = nil }
                return p
            }
        try #require(points.count == ChunkFormat.maxPoints)
        try roundTrip(points, "max")
        let tooMany = points + [ChunkPoint(ts: points[points.count - 1].ts + 1)]
        #expect(throws: ChunkError.tooManyPoints(count: ChunkFormat.maxPoints + 1, limit: ChunkFormat.maxPoints)) {
            try ChunkEncoder.encode(tooMany)
        }
    }
}
