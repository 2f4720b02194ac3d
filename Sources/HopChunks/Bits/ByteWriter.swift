/// Appends byte-aligned fields: single bytes, LEB128 varints, big-endian words.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Unsigned LEB128: 7 bits per byte, least significant group first, high bit = more follows.
    mutating func uvarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Signed varint: zigzag, then unsigned LEB128.
    mutating func varint(_ value: Int64) {
        uvarint(ZigZag.encode(value))
    }

    mutating func uint32BigEndian(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    /// A section: its length as a uvarint, then its bytes.
    mutating func section(_ content: [UInt8]) {
        uvarint(UInt64(content.count))
        bytes.append(contentsOf: content)
    }
}
