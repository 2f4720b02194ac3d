@testable import HopDNP3

/// Hand-built fragments: a response header followed by object bytes.
enum Fx {
    static func response(iin1: UInt8 = 0, iin2: UInt8 = 0, seq: UInt8 = 0, unsolicited: Bool = false, _ objects: [UInt8]) -> [UInt8] {
        [AppControl(uns: unsolicited, sequence: seq).byte, unsolicited ? 0x82 : 0x81, iin1, iin2] + objects
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    static func f32(_ v: Float) -> [UInt8] { le32(v.bitPattern) }
    static func f64(_ v: Double) -> [UInt8] { (0..<8).map { UInt8((v.bitPattern >> (8 * UInt64($0))) & 0xFF) } }
    static func time(_ ms: Int64) -> [UInt8] { DNP3Time(epochMilliseconds: ms).bytes }

    /// 2024-05-01T12:00:00.123Z.
    static let t0: Int64 = 1_714_564_800_123

    static func parse(_ objects: [UInt8]) throws -> ParsedResponse { try ResponseParser.parse(response(objects)) }
}
