import HopChunks
import Testing

@testable import HopHubCore

/// The cache of decoded tier rows decodes a row once while its bytes (or the database's version
/// of it) stay the same, again when they change, keeps no failure, and stays within its capacity.
@Suite struct TierColumnsCacheTests {
    /// A decoder that counts its calls and returns the first byte as the only period's count.
    final class CountingDecoder: @unchecked Sendable {
        var calls = 0

        func decode(_ bytes: [UInt8]) throws(ChunkError) -> QuantityColumns {
            calls += 1
            guard let first = bytes.first, first > 0 else { throw .noPoints }
            var columns = QuantityColumns()
            columns.append(start: 0, count: Int(first), sum: 1, min: 1, max: 1)
            return columns
        }
    }

    static func key(_ day: Int64) -> TierColumnsCache.Key {
        .init(substation: "SUB001", feeder: "FDR001", day: day, column: .frequencyHz)
    }

    @Test func aRowIsDecodedOnceWhileItsBytesStayTheSame() throws {
        let cache = TierColumnsCache()
        let decoder = CountingDecoder()
        for _ in 0..<3 {
            #expect(try cache.columns(Self.key(0), bytes: [7, 1], decode: decoder.decode).counts == [7])
        }
        #expect(decoder.calls == 1)
        // Rewritten (same length, one byte different): decoded again, and the new value served.
        #expect(try cache.columns(Self.key(0), bytes: [9, 1], decode: decoder.decode).counts == [9])
        #expect(try cache.columns(Self.key(0), bytes: [9, 1], decode: decoder.decode).counts == [9])
        #expect(decoder.calls == 2)
        // Another day of the same series is its own entry.
        #expect(try cache.columns(Self.key(86_400_000), bytes: [7, 1], decode: decoder.decode).counts == [7])
        #expect(decoder.calls == 3)
    }

    @Test func aRowKeptByVersionIsServedOnlyAtThatVersion() {
        let cache = TierColumnsCache()
        var columns = QuantityColumns()
        columns.append(start: 0, count: 3, sum: 150, min: 49.9, max: 50.1)
        #expect(cache.columns(Self.key(0), version: 41) == nil)
        cache.keep(columns, Self.key(0), version: 41)
        #expect(cache.columns(Self.key(0), version: 41) == columns)
        #expect(cache.columns(Self.key(0), version: 42) == nil, "a rewritten row is a new version")
        #expect(cache.columns(Self.key(86_400_000), version: 41) == nil, "another day is another row")
        // A row's bytes and its version are different identities: neither answers for the other.
        #expect(throws: ChunkError.noPoints) { try cache.columns(Self.key(0), bytes: [0], decode: CountingDecoder().decode) }
        #expect(cache.columns(Self.key(0), version: 41) == columns)
    }

    @Test func aFailedDecodeIsNotKept() {
        let cache = TierColumnsCache()
        let decoder = CountingDecoder()
        for _ in 0..<2 {
            #expect(throws: ChunkError.noPoints) { try cache.columns(Self.key(0), bytes: [0], decode: decoder.decode) }
        }
        #expect(decoder.calls == 2)
        #expect(cache.count == 0)
    }

    @Test func theLeastRecentlyUsedRowsGoPastTheCapacity() throws {
        let cache = TierColumnsCache(capacity: 8)
        let decoder = CountingDecoder()
        for day in 0..<8 { _ = try cache.columns(Self.key(Int64(day)), bytes: [1], decode: decoder.decode) }
        _ = try cache.columns(Self.key(0), bytes: [1], decode: decoder.decode)  // day 0 used again
        _ = try cache.columns(Self.key(100), bytes: [1], decode: decoder.decode)  // evicts days 1 and 2
        #expect(cache.count == 7)
        #expect(decoder.calls == 9)
        _ = try cache.columns(Self.key(0), bytes: [1], decode: decoder.decode)
        #expect(decoder.calls == 9, "day 0, recently used, stayed")
        _ = try cache.columns(Self.key(1), bytes: [1], decode: decoder.decode)
        #expect(decoder.calls == 10, "day 1, the oldest, was dropped")
    }
}
