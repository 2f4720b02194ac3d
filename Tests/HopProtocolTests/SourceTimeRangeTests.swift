import Foundation
import Testing

@testable import HopProtocol

/// Instants from outside are held to the years 0001…9999 when decoded; formatting and arithmetic
/// never trap whatever the value.
@Suite struct SourceTimeRangeTests {
    static let lowest = SourceTime.representableRange.lowerBound
    static let highest = SourceTime.representableRange.upperBound

    @Test func rangeEndsAreTheFirstAndLastMillisecondOfFourDigitYears() {
        #expect(SourceTime(epochMilliseconds: Self.lowest).rfc3339 == "0001-01-01T00:00:00.000Z")
        #expect(SourceTime(epochMilliseconds: Self.highest).rfc3339 == "9999-12-31T23:59:59.999Z")
        #expect(SourceTime(rfc3339: "0001-01-01T00:00:00Z")?.epochMilliseconds == Self.lowest)
        #expect(SourceTime(rfc3339: "9999-12-31T23:59:59.999Z")?.epochMilliseconds == Self.highest)
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -62_198_755_200_000, Self.lowest - 1, Self.highest + 1, 63_385_034_031_864_710, Int64.max])
    func formattingAnyInstantGivesAWellFormedStringAtTheNearestEnd(_ ms: Int64) {
        let text = SourceTime(epochMilliseconds: ms).rfc3339
        #expect(text == (ms < 0 ? "0001-01-01T00:00:00.000Z" : "9999-12-31T23:59:59.999Z"))
        #expect(SourceTime(rfc3339: text) != nil, "\(text) does not parse back")
    }

    @Test(arguments: ["-9223372036854775808", "63385034031864710", "-62198755200000", "253402300800000", "1e15", "-62135596800001"])
    func decodingRefusesNumbersOutsideTheRange(_ json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SourceTime.self, from: Data(json.utf8)) }
    }

    @Test func decodingAcceptsBothEnds() throws {
        for ms in [Self.lowest, Self.highest] {
            let time = try JSONDecoder().decode(SourceTime.self, from: Data("\(ms)".utf8))
            #expect(time.epochMilliseconds == ms)
        }
    }

    @Test func yearZeroIsRefusedAsTextToo() {
        #expect(SourceTime(rfc3339: "0000-01-01T00:00:00Z") == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SourceTime.self, from: Data(#""0000-06-01T00:00:00Z""#.utf8)) }
    }

    @Test func theFastDecoderNeverAcceptsWhatJSONDecoderRefuses() {
        for ts in ["-9223372036854775808", "63385034031864710", "-62198755200000.0"] {
            let body = #"{"substation_id":"SUB001","voltage_kv":230,"ts":\#(ts)}"#
            let fast = Array(body.utf8).withUnsafeBytes { FastBatchDecoder.telemetry($0) }
            #expect(fast == nil, "fast path accepted ts \(ts)")
        }
    }

    @Test func addingSaturatesInsteadOfTrapping() {
        #expect(SourceTime(epochMilliseconds: .max).adding(milliseconds: 1).epochMilliseconds == .max)
        #expect(SourceTime(epochMilliseconds: .min).adding(milliseconds: -1).epochMilliseconds == .min)
        #expect(SourceTime(epochMilliseconds: 5).adding(milliseconds: -7).epochMilliseconds == -2)
    }

    @Test func datesOutsideTheRangeClampInsteadOfTrapping() {
        #expect(SourceTime(Date.distantFuture.addingTimeInterval(1e300)).epochMilliseconds == Self.highest)
        #expect(SourceTime(Date(timeIntervalSince1970: -1e300)).epochMilliseconds == Self.lowest)
    }
}
