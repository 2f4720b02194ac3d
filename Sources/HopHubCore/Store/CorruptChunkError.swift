import HopChunks

/// A chunk (or a block's minute statistics) that does not decode: which one, and what the codec
/// found (offset, field, expected). Reads that need it fail with this error; the chunk is never
/// rewritten or dropped silently.
public struct CorruptChunkError: Error, CustomStringConvertible, Sendable {
    public var substationID: String
    public var feederID: String
    public var blockStart: Int64
    public var underlying: ChunkError
    /// `telemetry chunk` or `minute statistics`.
    public var kind: String

    public init(substationID: String, feederID: String, blockStart: Int64, underlying: ChunkError, kind: String = "telemetry chunk") {
        self.substationID = substationID
        self.feederID = feederID
        self.blockStart = blockStart
        self.underlying = underlying
        self.kind = kind
    }

    public var description: String {
        "\(kind) of \(substationID)/\(feederID.isEmpty ? "-" : feederID) at block \(blockStart) is corrupt: \(underlying)"
    }
}
