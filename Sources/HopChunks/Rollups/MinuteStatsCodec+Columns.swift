/// Column-wise decoding of one quantity: what long-range reads of a single quantity use.
extension MinuteStatsCodec {
    /// The minutes with a value of `wanted` and its count, sum, min and max, as flat arrays.
    /// The other quantities' sections and `wanted`'s `last` are skipped unread (the checksum still
    /// covers the whole record); the four sections read must share one presence pattern.
    public static func columns(_ bytes: [UInt8], only wanted: ChunkColumn) throws(ChunkError) -> QuantityColumns {
        var (minutes, reader, header) = try open(bytes)
        var result = QuantityColumns()
        for column in ChunkColumn.allCases {
            let names = fields[column.rawValue]
            guard column == wanted else {
                for field in names { _ = try reader.section(field) }
                continue
            }
            var parts: [(present: [Bool], values: [Double])] = []
            for field in names.prefix(4) {
                parts.append(try ValueColumn.decodePresent(
                    bytes, section: try reader.section(field), count: header.count, presentCount: header.presentCount(column),
                    field: field))
            }
            _ = try reader.section(names[4])
            let present = parts[0].present
            for (k, part) in parts.enumerated().dropFirst() where part.present != present {
                let minute = present.indices.first { part.present[$0] != present[$0] } ?? 0
                throw .invalid(at: reader.offset, names[k], expected: "all statistics or none for minute \(minute)", found: "some")
            }
            result.reserveCapacity(parts[0].values.count)
            var next = 0
            for (i, isPresent) in present.enumerated() where isPresent {
                let count = parts[0].values[next]
                guard count >= 1, count <= Double(Int32.max), count == count.rounded() else {
                    throw .invalid(at: reader.offset, names[0], expected: "a whole count ≥ 1 for minute \(i)", found: "\(count)")
                }
                result.append(
                    start: minutes[i], count: Int(count), sum: parts[1].values[next], min: parts[2].values[next],
                    max: parts[3].values[next])
                next += 1
            }
        }
        try finish(reader)
        return result
    }
}
