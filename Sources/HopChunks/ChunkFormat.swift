/// Constants of the chunk format (docs/chunk-format.md).
public enum ChunkFormat {
    /// The format version written in the first byte of every chunk.
    public static let version: UInt8 = 1
    /// The most points one chunk may hold (18 h 12 min at 1 Hz).
    public static let maxPoints = 65_536
    /// Residuals are coded in blocks of this many values, each with its own Rice parameter.
    static let residualBlockLength = 128
    /// A Rice quotient of this many one-bits is an escape: the zigzag value follows in 64 raw bits.
    static let riceEscapeQuotient = 24
    /// Decimal columns use scales 0...maxScale (value = mantissa / 10^scale).
    static let maxDecimalScale = 18
    /// Decimal mantissas are kept within ±2^53 so that converting them to `Double` is exact.
    static let maxMantissaMagnitude: Int64 = 1 << 53
    /// Size of the CRC-32C trailer.
    static let checksumLength = 4
}
