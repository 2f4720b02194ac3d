import Foundation
import Testing

@testable import HopProtocol

/// The hand-written query answers must be the JSON `JSONEncoder` writes for the same values: the
/// same document once parsed (`JSONEncoder` orders keys differently from run to run, so bytes are
/// not comparable), with the numbers' text parsing to the same `Double`s.
@Suite struct JSONWriterTests {
    static let awkwardNumbers: [Double] = [
        0, -0.0, 1, -1, 60, 59.99, 0.1 + 0.2, 1e-7, -1e-7, 5e-324, 1e15, -1e15, 999_999_999_999_999, 1e16, 1e21,
        123_456.0, 1.2345678901234568e20, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 4_503_599_627_370_497,
        9_007_199_254_740_993, 0.5, 230.01, 1_000.1, 275.25, 60.001,
        // Around the written-as-thousandths range (0.001 ≤ |v| < 10^9, at most three decimals).
        0.001, 0.0011, 0.000999, 0.01, 0.09, 0.999, 1.001, 49.999, 50.012, 999_999_999.999, 1e9 + 0.5, 1e9 - 0.001,
        123_456_789.12, 0.1 + 0.7, 1.0005,
    ]
    static let awkwardStrings = [
        "SUB001", "", "a\"b\\c/d", "\u{1}\u{8}\u{C}\n\r\t\u{1F}\u{7F}", "Zürich 😀", "\u{2028}\u{2029}", "</script>",
    ]

    /// Both encodings of `value` parse to equal documents, and the fast one is valid UTF-8 JSON
    /// whose keys come in declaration order (checked by the caller's expectations on prefixes).
    func expectSame<T: Encodable>(_ fast: [UInt8], _ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reference = try JSONEncoder().encode(value)
        let parsedFast = try JSONDecoder().decode(JSONValue.self, from: Data(fast))
        guard parsedFast != (try JSONDecoder().decode(JSONValue.self, from: reference)) else { return }
        Issue.record(
            "differs: fast \(String(decoding: fast.prefix(300), as: UTF8.self)) JSONEncoder \(String(decoding: reference.prefix(300), as: UTF8.self))",
            sourceLocation: sourceLocation)
    }

    @Test func numbersParseBackToTheSameDouble() throws {
        for value in Self.awkwardNumbers + Self.awkwardNumbers.map({ -$0 }) {
            var w = JSONWriter()
            w.number(value)
            let text = String(decoding: w.bytes, as: UTF8.self)
            #expect(Double(text) == value, "\(value) written as \(text)")
            #expect(!text.hasSuffix(".0"))
        }
    }

    /// The writer's digits are `description`'s (what `JSONEncoder` writes), minus a trailing `.0`,
    /// for awkward values and for random finite doubles of every magnitude and of a few decimals.
    @Test func numbersAreTheDescriptionsDigits() {
        var generator = SystemRandomNumberGenerator()
        var values = Self.awkwardNumbers
        for _ in 0..<20_000 {
            let bits = Double(bitPattern: generator.next())
            if bits.isFinite { values.append(bits) }
            values.append((Double(Int64.random(in: -10_000_000...10_000_000, using: &generator)) / 1000))
            values.append(60 + Double.random(in: -0.2...0.2, using: &generator))
            values.append(Double(Int64.random(in: -2_000_000_000_000...2_000_000_000_000, using: &generator)) / 1000)
            values.append(Double(Int64.random(in: -100_000...100_000, using: &generator)) / 100)
        }
        for value in values {
            var w = JSONWriter()
            w.raw("[")
            w.number(value)
            var expected = value.description
            if value == value.rounded(.towardZero), abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
                expected = String(Int64(value))
            } else if expected.hasSuffix(".0") {
                expected.removeLast(2)
            }
            #expect(String(decoding: w.bytes, as: UTF8.self) == "[" + expected, "\(value)")
        }
    }

    @Test func stringsEscapeLikeJSONEncoder() throws {
        for text in Self.awkwardStrings {
            var w = JSONWriter()
            w.string(text)
            #expect(w.bytes == [UInt8](try JSONEncoder().encode(text)), "\(text.debugDescription)")
        }
    }

    func values(_ i: Int) -> MetricValues {
        let n = Self.awkwardNumbers
        return MetricValues(
            voltageKV: i % 5 == 0 ? nil : n[i % n.count], currentA: i % 3 == 0 ? nil : n[(i + 1) % n.count],
            powerMW: i % 7 == 0 ? nil : n[(i + 2) % n.count], frequencyHz: i % 2 == 0 ? nil : n[(i + 3) % n.count])
    }

    @Test func timeSeriesRawAndBuckets() throws {
        let times: [Int64] = [0, 1, -1, 1_795_705_445_123, SourceTime.representableRange.lowerBound, SourceTime.representableRange.upperBound]
        var raw: [TimeSeriesPoint] = []
        var buckets: [TimeSeriesPoint] = []
        for i in 0..<60 {
            let time = SourceTime(epochMilliseconds: times[i % times.count] + Int64(i))
            let feeder = i % 4 == 0 ? nil : FeederID(Self.awkwardStrings[i % Self.awkwardStrings.count])
            raw.append(TimeSeriesPoint(time: time, feederID: feeder, values: values(i)))
            buckets.append(TimeSeriesPoint(time: time, feederID: feeder, values: values(i), min: values(i + 1), max: values(i + 2)))
        }
        buckets.append(TimeSeriesPoint(time: SourceTime(epochMilliseconds: 0), feederID: nil, values: MetricValues(), min: MetricValues(), max: MetricValues()))
        for points in [raw, buckets, []] {
            for sub in Self.awkwardStrings {
                let answer = TimeSeriesResponse(substationID: SubstationID(sub), minutes: 10_080, resolutionSeconds: points.isEmpty ? 0 : 420, points: points)
                try expectSame(answer.jsonBytes, answer)
            }
        }
    }

    @Test func frequencyThresholds() throws {
        var series: [FrequencySeries] = []
        for (i, sub) in Self.awkwardStrings.enumerated() {
            let points = (0..<(i * 7)).map { j in
                let n = Self.awkwardNumbers
                return FrequencyPoint(
                    time: SourceTime(epochMilliseconds: 1_795_705_445_000 + Int64(j) * 60_000), frequencyHz: n[j % n.count],
                    minHz: j % 3 == 0 ? nil : n[(j + 1) % n.count], maxHz: j % 4 == 0 ? nil : n[(j + 2) % n.count])
            }
            series.append(FrequencySeries(substationID: SubstationID(sub), points: points))
        }
        for answerSeries in [series, []] {
            let answer = FrequencyThresholds(nominalHz: 60, bandLowHz: 59.85, bandHighHz: 60.15, minutes: 15, resolutionSeconds: 0, series: answerSeries)
            try expectSame(answer.jsonBytes, answer)
        }
    }

    @Test func anomalyScores() throws {
        let n = Self.awkwardNumbers
        let scores = (0..<80).map { i in
            AnomalyScore(
                time: SourceTime(epochMilliseconds: 1_795_705_445_000 - Int64(i) * 61_001), substationID: SubstationID(Self.awkwardStrings[i % 7]),
                anomalyScore: n[i % n.count], isAnomaly: i % 2 == 0, zScore: n[(i + 1) % n.count], baselineMean: n[(i + 2) % n.count],
                baselineStd: n[(i + 3) % n.count], latestValue: n[(i + 4) % n.count], modelVersion: Self.awkwardStrings[(i + 1) % 7],
                classification: AnomalyClass(score: n[i % n.count]).rawValue)
        }
        try expectSame(scores.jsonBytes, scores)
        #expect(String(decoding: [AnomalyScore]().jsonBytes, as: UTF8.self) == "[]")
    }

    @Test func latestReadings() throws {
        let n = Self.awkwardNumbers
        let strings = Self.awkwardStrings
        let readings = (0..<80).map { i in
            LatestReading(
                time: SourceTime(epochMilliseconds: 1_795_705_445_000 - Int64(i) * 1_001), substationID: SubstationID(strings[i % 7]),
                feederID: i % 3 == 0 ? nil : FeederID(strings[(i + 1) % 7]), deviceID: i % 4 == 0 ? nil : DeviceID(strings[(i + 2) % 7]),
                siteName: i % 5 == 0 ? nil : strings[(i + 3) % 7], latitude: i % 2 == 0 ? nil : n[i % n.count],
                longitude: i % 2 == 0 ? nil : n[(i + 5) % n.count], values: values(i))
        }
        try expectSame(readings.jsonBytes, readings)
        #expect(String(decoding: [LatestReading]().jsonBytes, as: UTF8.self) == "[]")
    }

    @Test func timesFromYear1600AndTheRangeEnds() throws {
        // From 1600 on: Foundation's formatter switches to the Julian calendar before 1582.
        var ms: Int64 = -11_676_096_000_000
        while ms < 1_795_705_445_123 {
            #expect(RFC3339.format(ms) == Self.reference(ms))
            ms += 86_399_999 * 37 + 13
        }
        #expect(RFC3339.format(.min) == "0001-01-01T00:00:00.000Z")
        #expect(RFC3339.format(.max) == "9999-12-31T23:59:59.999Z")
    }

    /// Foundation's own ISO 8601 formatting, as the reference for the byte formatter.
    static func reference(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let millis = String(((ms % 1000) + 1000) % 1000)
        return String(text.prefix(20)) + String(repeating: "0", count: 3 - millis.count) + millis + "Z"
    }
}

/// Any JSON document, for comparing two encodings by value.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}
