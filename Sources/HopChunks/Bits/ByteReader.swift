/// Reads byte-aligned fields from `bytes[offset..<end]`, checking every bound; errors carry the
/// absolute byte offset in the chunk.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], from offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { max(end - offset, 0) }

    mutating func byte(_ field: @autoclosure () -> String) throws(ChunkError) -> UInt8 {
        guard offset < end else { throw .truncated(at: offset, field(), expected: "1 byte") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uvarint(_ field: @autoclosure () -> String) throws(ChunkError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw .truncated(at: offset, field(), expected: "varint byte") }
            let b = bytes[offset]
            offset += 1
            if shift == 63 && b > 1 {
                throw .invalid(at: start, field(), expected: "varint of at most 64 bits", found: "longer varint")
            }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    mutating func varint(_ field: @autoclosure () -> String) throws(ChunkError) -> Int64 {
        ZigZag.decode(try uvarint(field()))
    }

    /// A uvarint that must lie in `range`.
    mutating func count(_ field: @autoclosure () -> String, in range: ClosedRange<Int>) throws(ChunkError) -> Int {
        let start = offset
        let value = try uvarint(field())
        guard value <= UInt64(range.upperBound), Int(value) >= range.lowerBound else {
            throw .invalid(at: start, field(), expected: "\(range.lowerBound)...\(range.upperBound)", found: "\(value)")
        }
        return Int(value)
    }

    mutating func uint32BigEndian(_ field: @autoclosure () -> String) throws(ChunkError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(at: offset, field(), expected: "4 bytes") }
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return value
    }

    /// Reads a section's length and returns its byte range, leaving `offset` after the section.
    mutating func section(_ field: @autoclosure () -> String) throws(ChunkError) -> Range<Int> {
        let length = try count("\(field()).length", in: 0...Int(UInt32.max))
        guard length <= remaining else {
            throw .truncated(at: offset, field(), expected: "\(length) section bytes")
        }
        defer { offset += length }
        return offset..<(offset + length)
    }
}
