/// Encodes one series' points into a chunk (docs/chunk-format.md).
public enum ChunkEncoder {
    /// Encodes `points`, which must be non-empty, at most ``ChunkFormat/maxPoints``, with strictly
    /// increasing timestamps and only finite values. Every value decodes bit for bit as given.
    ///
    /// Use ``ChunkPoints/merge(_:_:)`` first when points may be out of order or repeat a timestamp.
    public static func encode(_ points: [ChunkPoint]) throws(ChunkError) -> [UInt8] {
        try validate(points)
        var out = ByteWriter(capacity: points.count * 3 + 64)
        out.byte(ChunkFormat.version)
        out.uvarint(UInt64(points.count))
        out.varint(points[0].ts)
        out.varint(points[points.count - 1].ts)
        let columns = ChunkColumn.allCases.map { column in points.map { $0[column] } }
        for column in columns {
            out.uvarint(UInt64(column.reduce(0) { $0 + ($1 == nil ? 0 : 1) }))
        }
        out.section(TimestampColumn.encode(points.map(\.ts)))
        for column in columns {
            out.section(ValueColumn.encode(column))
        }
        out.uint32BigEndian(CRC32C.checksum(out.bytes, 0..<out.bytes.count))
        return out.bytes
    }

    private static func validate(_ points: [ChunkPoint]) throws(ChunkError) {
        guard !points.isEmpty else { throw .noPoints }
        guard points.count <= ChunkFormat.maxPoints else {
            throw .tooManyPoints(count: points.count, limit: ChunkFormat.maxPoints)
        }
        for (index, point) in points.enumerated() {
            if index > 0 && point.ts <= points[index - 1].ts {
                throw .timestampsNotIncreasing(index: index, previous: points[index - 1].ts, current: point.ts)
            }
            for column in ChunkColumn.allCases {
                if let value = point[column], !value.isFinite {
                    throw .nonFiniteValue(index: index, column: column)
                }
            }
        }
    }
}
