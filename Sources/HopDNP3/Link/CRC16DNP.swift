/// CRC-16/DNP (IEEE 1815 link layer): polynomial 0x3D65 reflected (0xA6BC), initial value 0,
/// final complement, sent least significant byte first. `CRC16DNP.checksum("123456789")` is 0xEA82.
public enum CRC16DNP {
    private static let table: [UInt16] = (0..<256).map { byte -> UInt16 in
        var crc = UInt16(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xA6BC : crc >> 1 }
        return crc
    }

    /// The checksum of `bytes`.
    public static func checksum<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        var crc: UInt16 = 0
        for byte in bytes { crc = (crc >> 8) ^ table[Int((crc ^ UInt16(byte)) & 0xFF)] }
        return ~crc
    }

    /// Appends the checksum of `bytes` to `out`, low byte first.
    static func append<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        let crc = checksum(bytes)
        out.append(UInt8(crc & 0xFF))
        out.append(UInt8(crc >> 8))
    }

    /// Whether the two bytes after `bytes` hold its checksum.
    static func matches(_ bytes: ArraySlice<UInt8>, low: UInt8, high: UInt8) -> Bool {
        checksum(bytes) == UInt16(low) | UInt16(high) << 8
    }
}
