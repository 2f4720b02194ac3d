import Testing

@testable import HopEdge

/// Durations and sizes of any magnitude parse without trapping; huge ones are out of range.
@Suite struct UnitsOverflowTests {
    @Test(arguments: ["99999999999999999999h", "1e300s", "9223372036854775807ms", "99999999999999999999999999999m"])
    func hugeDurationsDoNotTrap(_ text: String) {
        #expect(Units.duration(text) == nil)
        #expect(Units.durationMilliseconds(text) != nil || text.hasPrefix("1e300"))
    }

    @Test(arguments: ["99999999999999999999GiB", "1e300KB", "99999999999999999999", "9223372036854775808"])
    func hugeSizesDoNotTrap(_ text: String) {
        #expect(Units.bytes(text) == nil)
    }

    @Test func ordinaryValuesStillParse() {
        #expect(Units.duration("250ms") == .milliseconds(250))
        #expect(Units.duration("1.5s") == .milliseconds(1500))
        #expect(Units.bytes("1GiB") == Int64(1_073_741_824))
        #expect(Units.bytes("4096") == 4096)
    }
}
