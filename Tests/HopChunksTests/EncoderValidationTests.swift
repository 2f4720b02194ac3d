import HopChunks
import Testing

@Suite("Encoder refuses invalid input")
struct EncoderValidationTests {
    @Test("NaN and infinities are refused with the point and column", arguments: [Double.nan, .infinity, -.infinity, .signalingNaN])
    func nonFinite(value: Double) {
        for column in ChunkColumn.allCases {
            var points = (0..<5).map { ChunkPoint(ts: Int64($0), voltageKV: 1, currentA: 2, powerMW: 3, frequencyHz: 4) }
            points[3][column] = value
            #expect(throws: ChunkError.nonFiniteValue(index: 3, column: column)) { try ChunkEncoder.encode(points) }
        }
    }

    @Test("no points is refused")
    func empty() {
        #expect(throws: ChunkError.noPoints) { try ChunkEncoder.encode([]) }
    }

    @Test("duplicate and decreasing timestamps are refused")
    func order() {
        let duplicate = [ChunkPoint(ts: 1), ChunkPoint(ts: 2), ChunkPoint(ts: 2)]
        #expect(throws: ChunkError.timestampsNotIncreasing(index: 2, previous: 2, current: 2)) {
            try ChunkEncoder.encode(duplicate)
        }
        let decreasing = [ChunkPoint(ts: 5), ChunkPoint(ts: 4)]
        #expect(throws: ChunkError.timestampsNotIncreasing(index: 1, previous: 5, current: 4)) {
            try ChunkEncoder.encode(decreasing)
        }
    }
}
