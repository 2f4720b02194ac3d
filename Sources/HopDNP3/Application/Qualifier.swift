/// How an object header says which points follow: the range (start–stop, a count, or all) and
/// whether each object carries an index prefix.
public struct Qualifier: Hashable, Sendable, CustomStringConvertible {
    /// Bits 4–6: 0 no prefix, 1/2/3 a 1/2/4-byte index, 4/5/6 a 1/2/4-byte object size.
    public var prefixCode: UInt8
    /// Bits 0–3: 0/1/2 start–stop of 1/2/4 bytes, 6 all objects, 7/8/9 a count of 1/2/4 bytes,
    /// 0xB free-format count.
    public var rangeCode: UInt8

    public init(byte: UInt8) {
        prefixCode = (byte >> 4) & 0x07
        rangeCode = byte & 0x0F
    }

    public var byte: UInt8 { prefixCode << 4 | rangeCode }

    /// Width of each object's index prefix (0 when none).
    public var indexPrefixWidth: Int? {
        switch prefixCode {
        case 0: 0
        case 1: 1
        case 2: 2
        case 3: 4
        default: nil
        }
    }

    public var description: String { "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16) }

    public static let startStop8 = Qualifier(byte: 0x00)
    public static let startStop16 = Qualifier(byte: 0x01)
    public static let allObjects = Qualifier(byte: 0x06)
    public static let count8 = Qualifier(byte: 0x07)
    public static let count16 = Qualifier(byte: 0x08)
    public static let index8Count8 = Qualifier(byte: 0x17)
    public static let index16Count16 = Qualifier(byte: 0x28)
}
