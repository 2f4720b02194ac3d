import Testing

@testable import HopDNP3

@Suite struct TransportTests {
    @Test func aLongFragmentIsSegmentedAndReassembled() {
        let fragment = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        let (segments, next) = TransportSegment.segments(of: fragment, startingAt: 62)
        #expect(segments.count == 5)  // 249 × 4 + 4
        #expect(segments.map { $0[0] } == [0x40 | 62, 63, 0, 1, 0x80 | 2])
        #expect(next == 3)
        var r = TransportReassembler()
        let results = segments.map { r.receive($0) }
        #expect(results.dropLast().allSatisfy { $0 == nil })
        #expect(results.last! == fragment)
    }

    @Test func aSingleSegmentFragmentHasFIRAndFIN() {
        let (segments, _) = TransportSegment.segments(of: [0xC0, 0x01], startingAt: 5)
        #expect(segments == [[0xC5, 0xC0, 0x01]])
    }

    @Test func aMissingSegmentAbandonsTheFragment() {
        let fragment = (0..<600).map { UInt8(truncatingIfNeeded: $0) }
        let (segments, _) = TransportSegment.segments(of: fragment, startingAt: 0)
        var r = TransportReassembler()
        #expect(r.receive(segments[0]) == nil)
        #expect(r.receive(segments[2]) == nil)  // segment 1 lost
        #expect(r.discarded == 1)
        // The next fragment starts clean.
        #expect(r.receive([0xC0 | 9, 0xAA]) == [0xAA])
    }

    @Test func aSegmentWithoutFIRAndNothingPendingIsDiscarded() {
        var r = TransportReassembler()
        #expect(r.receive([0x80 | 4, 1, 2]) == nil)
        #expect(r.discarded == 1)
    }

    @Test func aNewFIRReplacesAnUnfinishedFragment() {
        var r = TransportReassembler()
        #expect(r.receive([0x40 | 1, 1, 2]) == nil)
        #expect(r.receive([0xC0 | 7, 9]) == [9])
    }

    @Test func anOversizedFragmentIsAbandoned() {
        var r = TransportReassembler(maxFragment: 300)
        let (segments, _) = TransportSegment.segments(of: Array(repeating: 1, count: 400), startingAt: 0)
        #expect(segments.compactMap { r.receive($0) }.isEmpty)
        #expect(r.discarded == 1)
    }
}
