/// Gorilla-style XOR coding of raw IEEE-754 bits, for columns whose values are not decimals.
///
/// The first value is 64 raw bits. Each later value is XORed with the previous one: `0` = same
/// value; `10` + the meaningful bits inside the previous window (same leading/trailing zero
/// counts or wider); `11` + 6 bits leading zeros + 6 bits (meaningful bit count − 1) + the
/// meaningful bits, which sets a new window.
enum XORCoder {
    static func encode(_ values: [Double], into writer: inout BitWriter) {
        guard let first = values.first else { return }
        var previous = first.bitPattern
        writer.write(previous, count: 64)
        var window: (leading: Int, trailing: Int)? = nil
        for value in values.dropFirst() {
            let bits = value.bitPattern
            let x = bits ^ previous
            previous = bits
            if x == 0 {
                writer.bit(false)
                continue
            }
            writer.bit(true)
            let leading = x.leadingZeroBitCount
            let trailing = x.trailingZeroBitCount
            if let window, leading >= window.leading, trailing >= window.trailing {
                writer.bit(false)
                writer.write(x >> UInt64(window.trailing), count: 64 - window.leading - window.trailing)
            } else {
                let meaningful = 64 - leading - trailing
                writer.bit(true)
                writer.write(UInt64(leading), count: 6)
                writer.write(UInt64(meaningful - 1), count: 6)
                writer.write(x >> UInt64(trailing), count: meaningful)
                window = (leading, trailing)
            }
        }
    }

    static func decode(count: Int, from reader: inout BitReader, _ field: String) throws(ChunkError) -> [Double] {
        var values = [Double]()
        guard count > 0 else { return values }
        values.reserveCapacity(count)
        var previous = try reader.read(64, "\(field).first")
        values.append(try finite(previous, at: reader.offset, field))
        var window: (leading: Int, trailing: Int)? = nil
        let controlField = "\(field).control"
        let xorField = "\(field).xor"
        while values.count < count {
            if try reader.bit(controlField) {
                let controlOffset = reader.offset
                if try reader.bit(controlField) {
                    let leading = Int(try reader.read(6, "\(field).leading"))
                    let meaningful = Int(try reader.read(6, "\(field).length")) + 1
                    guard leading + meaningful <= 64 else {
                        throw .invalid(
                            at: controlOffset, "\(field).length", expected: "leading + meaningful bits ≤ 64",
                            found: "\(leading) + \(meaningful)")
                    }
                    window = (leading, 64 - leading - meaningful)
                } else if window == nil {
                    throw .invalid(
                        at: controlOffset, "\(field).control", expected: "a window set by an earlier '11' control",
                        found: "'10' before any window")
                }
                guard let window else { break }
                let meaningful = 64 - window.leading - window.trailing
                let x = try reader.read(meaningful, xorField) << UInt64(window.trailing)
                previous ^= x
            }
            values.append(try finite(previous, at: reader.offset, field))
        }
        return values
    }

    private static func finite(_ bits: UInt64, at offset: Int, _ field: String) throws(ChunkError) -> Double {
        let value = Double(bitPattern: bits)
        guard value.isFinite else {
            throw .invalid(at: offset, field, expected: "a finite value", found: "\(value)")
        }
        return value
    }
}
