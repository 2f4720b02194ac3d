import HopChunks
import Testing

@Suite("Merging late, out-of-order and duplicate points")
struct MergeTests {
    @Test("the last write per timestamp wins, the result is ordered")
    func lastWriteWins() {
        let existing = [ChunkPoint(ts: 10, voltageKV: 1), ChunkPoint(ts: 20, voltageKV: 2), ChunkPoint(ts: 30, voltageKV: 3)]
        let new = [
            ChunkPoint(ts: 25, voltageKV: 9), ChunkPoint(ts: 20, currentA: 7), ChunkPoint(ts: 5, voltageKV: 0),
            ChunkPoint(ts: 20, currentA: 8),
        ]
        let merged = ChunkPoints.merge(existing, new)
        #expect(merged.map(\.ts) == [5, 10, 20, 25, 30])
        // The whole point is replaced by the last write: voltage is not kept from the older one.
        #expect(merged[2] == ChunkPoint(ts: 20, currentA: 8))
    }

    @Test("random late and duplicate points merge like a map keyed by timestamp", arguments: 0..<4)
    func randomMerges(seed: UInt64) throws {
        var random = SplitMix64(seed: 99 + seed)
        for _ in 0..<25 {
            func batch() -> [ChunkPoint] {
                (0..<Int(random.next() % 300)).map { _ in
                    ChunkPoint(ts: Int64(random.next() % 400) - 200, voltageKV: Double(random.next() % 100_000) / 100)
                }
            }
            let existing = batch()
            let new = batch()
            var expected = [Int64: ChunkPoint]()
            for p in existing + new { expected[p.ts] = p }
            let merged = ChunkPoints.merge(existing, new)
            #expect(merged == expected.values.sorted { $0.ts < $1.ts })
            if !merged.isEmpty {
                #expect(firstDifference(try ChunkDecoder.decode(try ChunkEncoder.encode(merged)), merged) == nil)
            }
        }
    }

    @Test("ordered inputs (a chunk and head rows in key order) merge like a map keyed by timestamp", arguments: 0..<4)
    func orderedMerges(seed: UInt64) {
        var random = SplitMix64(seed: 7 + seed)
        for round in 0..<40 {
            func ordered(_ n: Int, from: Int64) -> [ChunkPoint] {
                var ts = from
                return (0..<n).map { _ in
                    ts += Int64(random.next() % 3) + 1
                    return ChunkPoint(ts: ts, voltageKV: Double(random.next() % 100_000) / 100)
                }
            }
            // Disjoint (appended, prepended), overlapping, interleaved and empty inputs.
            let existing = ordered(Int(random.next() % 200), from: 0)
            let start: Int64 = [0, 1_000, -1_000, Int64(random.next() % 300)][round % 4]
            let new = ordered(round % 9 == 0 ? 0 : Int(random.next() % 200), from: start)
            var expected = [Int64: ChunkPoint]()
            for p in existing + new { expected[p.ts] = p }
            #expect(ChunkPoints.merge(existing, new) == expected.values.sorted { $0.ts < $1.ts })
        }
    }

    @Test("normalized orders a single unsorted batch")
    func normalized() {
        let points = [ChunkPoint(ts: 3), ChunkPoint(ts: 1, powerMW: 1), ChunkPoint(ts: 1, powerMW: 2)]
        #expect(ChunkPoints.normalized(points) == [ChunkPoint(ts: 1, powerMW: 2), ChunkPoint(ts: 3)])
    }
}
