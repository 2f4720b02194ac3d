/// Appends bit fields most significant bit first; the last byte is padded with zero bits.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    /// Bits not yet appended, right-aligned in `buffer` (fewer than 8 between calls).
    private var buffer: UInt64 = 0
    private var pending = 0

    /// Bits written so far.
    var bitCount: Int { bytes.count * 8 + pending }

    /// Writes the low `count` bits of `value` (0...64), most significant first.
    mutating func write(_ value: UInt64, count: Int) {
        if count > 56 {
            write(value >> 32, count: count - 32)
            write(value, count: 32)
            return
        }
        guard count > 0 else { return }
        buffer = (buffer << UInt64(count)) | (value & ((1 << UInt64(count)) - 1))
        pending += count
        while pending >= 8 {
            pending -= 8
            bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt64(pending)))
        }
    }

    mutating func bit(_ set: Bool) {
        write(set ? 1 : 0, count: 1)
    }

    /// Elias gamma code of `value` ≥ 1: (bit length − 1) zero bits, then the value.
    mutating func gamma(_ value: UInt64) {
        precondition(value >= 1, "gamma codes start at 1")
        let length = 64 - value.leadingZeroBitCount
        write(0, count: length - 1)
        write(value, count: length)
    }

    /// The bytes written, the last one padded with zero bits.
    func finished() -> [UInt8] {
        pending == 0 ? bytes : bytes + [UInt8(truncatingIfNeeded: buffer << UInt64(8 - pending))]
    }
}
