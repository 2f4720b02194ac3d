/// The fixed fields at the start of a chunk, readable without decoding any column.
public struct ChunkHeader: Sendable, Equatable {
    /// Format version (first byte).
    public var version: UInt8
    /// Number of points.
    public var count: Int
    /// Timestamp of the first point.
    public var firstTimestamp: Int64
    /// Timestamp of the last point.
    public var lastTimestamp: Int64
    /// Points that have a value, per column, in ``ChunkColumn`` order.
    var presentCounts: [Int]
    /// Byte offset just after the header, where the timestamp section starts.
    var endOffset: Int

    /// How many points have a value in `column`.
    public func presentCount(_ column: ChunkColumn) -> Int {
        presentCounts[column.rawValue]
    }
}

extension ChunkHeader {
    /// Reads and range-checks the header; the checksum is not verified (``ChunkDecoder/decode(_:)`` does).
    init(reading bytes: [UInt8]) throws(ChunkError) {
        var reader = ByteReader(bytes)
        let version = try reader.byte("header.version")
        guard version == ChunkFormat.version else {
            throw .corrupt(ChunkCorruption(
                kind: .unsupportedVersion, offset: 0, field: "header.version",
                expected: "version \(ChunkFormat.version)", found: "\(version)"))
        }
        let count = try reader.count("header.count", in: 1...ChunkFormat.maxPoints)
        let first = try reader.varint("header.first_ts")
        let lastOffset = reader.offset
        let last = try reader.varint("header.last_ts")
        guard count == 1 ? last == first : last > first else {
            throw .invalid(
                at: lastOffset, "header.last_ts",
                expected: count == 1 ? "equal to first_ts \(first)" : "after first_ts \(first)", found: "\(last)")
        }
        var presentCounts = [Int]()
        for column in ChunkColumn.allCases {
            presentCounts.append(try reader.count("header.present.\(column)", in: 0...count))
        }
        self.init(
            version: version, count: count, firstTimestamp: first, lastTimestamp: last,
            presentCounts: presentCounts, endOffset: reader.offset)
    }
}
