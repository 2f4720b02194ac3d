/// A DNP3 absolute time: 48-bit unsigned milliseconds since 1970-01-01 UTC, little-endian.
public struct DNP3Time: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) { self.epochMilliseconds = epochMilliseconds & 0xFFFF_FFFF_FFFF }

    init(bytes: ArraySlice<UInt8>) {
        var ms: Int64 = 0
        for (i, b) in bytes.prefix(6).enumerated() { ms |= Int64(b) << (8 * i) }
        epochMilliseconds = ms
    }

    public var bytes: [UInt8] { (0..<6).map { UInt8((epochMilliseconds >> (8 * $0)) & 0xFF) } }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.epochMilliseconds < rhs.epochMilliseconds }

    public var description: String { "\(epochMilliseconds) ms" }
}
