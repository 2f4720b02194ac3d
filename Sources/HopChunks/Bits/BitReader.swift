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

    /// The next bits, most significant first: at least 57 valid bits (fewer near the end, where
    /// the bits past `endBit` read as zero). One unaligned load instead of a loop per byte.
    @inline(__always)
    private func window() -> UInt64 {
        let byteIndex = position >> 3
        let endByte = endBit >> 3
        var w: UInt64 = 0
        if byteIndex + 8 <= endByte {
            w = bytes.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: byteIndex, as: UInt64.self)) }
        } else {
            for i in 0..<8 {
                w <<= 8
                if byteIndex + i < endByte { w |= UInt64(bytes[byteIndex + i]) }
            }
        }
        return w &<< UInt64(position & 7)
    }

    /// Reads `count` (0...64) bits.
    mutating func read(_ count: Int, _ field: @autoclosure () -> String) throws(ChunkError) -> UInt64 {
        guard count <= endBit - position else {
            throw .truncated(at: offset, field(), expected: "\(count) more bits")
        }
        guard count > 0 else { return 0 }
        if count <= 57 {
            let result = window() &>> UInt64(64 - count)
            position += count
            return result
        }
        let high = window() &>> 32
        position += 32
        let low = window() &>> UInt64(64 - (count - 32))
        position += count - 32
        return (high &<< UInt64(count - 32)) | low
    }

    mutating func bit(_ field: @autoclosure () -> String) throws(ChunkError) -> Bool {
        try read(1, field()) == 1
    }

    /// Counts one bits up to a terminating zero bit, or up to `limit` ones (no terminator then).
    mutating func ones(upTo limit: Int, _ field: @autoclosure () -> String) throws(ChunkError) -> Int {
        var n = 0
        while true {
            let available = endBit - position
            guard available > 0 else { throw .truncated(at: offset, field(), expected: "unary code bit") }
            let usable = min(57, available)
            let run = min((~window()).leadingZeroBitCount, usable)
            if n + run >= limit {
                position += limit - n
                return limit
            }
            if run < usable {
                position += run + 1
                return n + run
            }
            position += run
            n += run
        }
    }

    /// Elias gamma code; values needing more than `maxBits` bits are refused.
    mutating func gamma(maxBits: Int, _ field: @autoclosure () -> String) throws(ChunkError) -> UInt64 {
        let start = offset
        var zeros = 0
        while try !bit(field()) {
            zeros += 1
            guard zeros < maxBits else {
                throw .invalid(at: start, field(), expected: "gamma code of at most \(maxBits) bits", found: "longer code")
            }
        }
        let rest = try read(zeros, field())
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
