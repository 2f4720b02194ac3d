/// Reads bit fields most significant bit first from `bytes[start..<end]`, checking every bound;
/// errors carry the absolute byte offset in the chunk.
struct BitReader {
    let bytes: [UInt8]
    private var position: Int
    private let endBit: Int

    init(_ bytes: [UInt8], from start: Int, end: Int) {
        self.bytes = bytes
        self.position = start * 8
        self.endBit = min(end, bytes.count) * 8
    }

    /// Byte offset of the next bit, for error reports.
    var offset: Int { position / 8 }

    /// Reads `count` (0...64) bits.
    mutating func read(_ count: Int, _ field: String) throws(ChunkError) -> UInt64 {
        guard count <= endBit - position else {
            throw .truncated(at: offset, field, expected: "\(count) more bits")
        }
        var result: UInt64 = 0
        var remaining = count
        while remaining > 0 {
            let bitInByte = position & 7
            let available = 8 - bitInByte
            let take = min(available, remaining)
            let byte = UInt64(bytes[position >> 3])
            let chunk = (byte >> UInt64(available - take)) & ((1 << UInt64(take)) - 1)
            result = (result &<< UInt64(take)) | chunk
            position += take
            remaining -= take
        }
        return result
    }

    mutating func bit(_ field: String) throws(ChunkError) -> Bool {
        try read(1, field) == 1
    }

    /// Counts one bits up to a terminating zero bit, or up to `limit` ones (no terminator then).
    mutating func ones(upTo limit: Int, _ field: String) throws(ChunkError) -> Int {
        var n = 0
        while n < limit {
            guard position < endBit else { throw .truncated(at: offset, field, expected: "unary code bit") }
            let set = bytes[position >> 3] & (0x80 >> UInt8(position & 7)) != 0
            position += 1
            if !set { return n }
            n += 1
        }
        return n
    }

    /// Elias gamma code; values needing more than `maxBits` bits are refused.
    mutating func gamma(maxBits: Int, _ field: String) throws(ChunkError) -> UInt64 {
        let start = offset
        var zeros = 0
        while try !bit(field) {
            zeros += 1
            guard zeros < maxBits else {
                throw .invalid(at: start, field, expected: "gamma code of at most \(maxBits) bits", found: "longer code")
            }
        }
        let rest = try read(zeros, field)
        return (1 << UInt64(zeros)) | rest
    }

    /// Checks that only zero padding (< 8 bits) remains before the end.
    func finish(_ field: String) throws(ChunkError) {
        let left = endBit - position
        guard left < 8 else {
            throw .corrupt(ChunkCorruption(
                kind: .trailingBytes, offset: offset, field: field, expected: "end of section",
                found: "\(left / 8) more bytes"))
        }
        if left > 0 {
            let padding = bytes[position >> 3] & UInt8((1 << left) - 1)
            guard padding == 0 else {
                throw .invalid(at: offset, field, expected: "zero padding bits", found: "non-zero padding")
            }
        }
    }
}
