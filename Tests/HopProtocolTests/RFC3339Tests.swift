import Foundation
import Testing

@testable import HopProtocol

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2026-11-26T15:04:05Z", Int64(1_795_705_445_000)),
        ("2026-11-26T15:04:05.123Z", 1_795_705_445_123),
        ("2026-11-26T15:04:05.1Z", 1_795_705_445_100),
        ("2026-11-26T17:04:05+02:00", 1_795_705_445_000),
        ("2026-11-26T07:34:05.5-07:30", 1_795_705_445_500),
        ("2026-11-26 15:04:05Z", 1_795_705_445_000),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
    ])
    func parses(text: String, expected: Int64) {
        #expect(SourceTime(rfc3339: text)?.epochMilliseconds == expected)
    }

    @Test(arguments: [
        "", "2026-11-26", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-26T25:00:00Z",
        "2026-11-26T15:04:05", "2026-11-26T15:04:05.Z", "2026-11-26T15:04:05Zjunk", "yesterday",
    ])
    func rejects(text: String) {
        #expect(SourceTime(rfc3339: text) == nil)
    }

    @Test func formatsWithMillisecondsInUTC() {
        #expect(SourceTime(epochMilliseconds: 1_795_705_445_007).rfc3339 == "2026-11-26T15:04:05.007Z")
        #expect(SourceTime(epochMilliseconds: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    @Test func roundTripsAgainstFoundation() {
        for ms in stride(from: Int64(0), to: 4_000_000_000_000, by: 97_654_321_123) {
            let text = SourceTime(epochMilliseconds: ms).rfc3339
            #expect(SourceTime(rfc3339: text)?.epochMilliseconds == ms)
            let foundation = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
            #expect(foundation.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == ms)
        }
    }

    @Test func decodesNumbersAsEpochMilliseconds() throws {
        let decoded = try JSONDecoder().decode([SourceTime].self, from: Data("[1795705445123, \"2026-11-26T15:04:05.123Z\"]".utf8))
        #expect(decoded[0] == decoded[1])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([SourceTime].self, from: Data("[\"soon\"]".utf8)) }
    }
}
