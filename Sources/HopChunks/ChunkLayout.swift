/// How many bytes each part of a chunk takes, for measuring where the bytes go.
public struct ChunkLayout: Sendable, Equatable {
    /// Version, count, first/last timestamp and the per-column present counts.
    public var headerBytes: Int
    /// The timestamp section, with its length prefix.
    public var timestampBytes: Int
    /// Each value column's section with its length prefix, in ``ChunkColumn`` order.
    var columnBytes: [Int]
    /// The CRC-32C trailer.
    public var checksumBytes: Int

    /// The bytes of one value column's section, with its length prefix.
    public func bytes(_ column: ChunkColumn) -> Int {
        columnBytes[column.rawValue]
    }

    /// All bytes of the chunk.
    public var totalBytes: Int {
        headerBytes + timestampBytes + columnBytes.reduce(0, +) + checksumBytes
    }
}

extension ChunkDecoder {
    /// The sizes of a chunk's parts, read from the header and the section lengths (no column is
    /// decoded, the checksum is not verified).
    public static func layout(_ bytes: [UInt8]) throws(ChunkError) -> ChunkLayout {
        let header = try ChunkHeader(reading: bytes)
        var reader = ByteReader(bytes, from: header.endOffset)
        var start = reader.offset
        _ = try reader.section("ts")
        let timestampBytes = reader.offset - start
        var columnBytes = [Int]()
        for column in ChunkColumn.allCases {
            start = reader.offset
            _ = try reader.section(column.description)
            columnBytes.append(reader.offset - start)
        }
        return ChunkLayout(
            headerBytes: header.endOffset, timestampBytes: timestampBytes, columnBytes: columnBytes,
            checksumBytes: reader.remaining)
    }
}
