/// Encodes and decodes a series' minute statistics for one block (docs/chunk-format.md, "Minute
/// statistics"). The layout is a chunk's: the same header (count = minutes, first/last = the first
/// and last minute, present counts = minutes with a value per quantity), the minutes as the
/// timestamp section, then per quantity five value sections — count, sum, min, max, last — and the
/// CRC-32C trailer. Every number decodes bit for bit as given.
public enum MinuteStatsCodec {
    static let statistics = ["count", "sum", "min", "max", "last"]
    /// `voltage_kv.count` … `frequency_hz.last`, by column and statistic (built once, not per section).
    static let fields = ChunkColumn.allCases.map { column in statistics.map { "\(column).\($0)" } }

    public static func encode(_ minutes: [MinuteStats]) throws(ChunkError) -> [UInt8] {
        try validate(minutes)
        var out = ByteWriter(capacity: minutes.count * 24 + 64)
        out.byte(ChunkFormat.version)
        out.uvarint(UInt64(minutes.count))
        out.varint(minutes[0].minute)
        out.varint(minutes[minutes.count - 1].minute)
        for column in ChunkColumn.allCases {
            out.uvarint(UInt64(minutes.reduce(0) { $0 + ($1[column] == nil ? 0 : 1) }))
        }
        out.section(TimestampColumn.encode(minutes.map(\.minute)))
        for column in ChunkColumn.allCases {
            let stats = minutes.map { $0[column] }
            out.section(ValueColumn.encode(stats.map { $0.map { Double($0.count) } }))
            out.section(ValueColumn.encode(stats.map { $0?.sum }))
            out.section(ValueColumn.encode(stats.map { $0?.min }))
            out.section(ValueColumn.encode(stats.map { $0?.max }))
            out.section(ValueColumn.encode(stats.map { $0?.last }))
        }
        out.uint32BigEndian(CRC32C.checksum(out.bytes, 0..<out.bytes.count))
        return out.bytes
    }

    /// Every minute with all four quantities.
    public static func decode(_ bytes: [UInt8]) throws(ChunkError) -> [MinuteStats] {
        var (minutes, reader, header) = try open(bytes)
        var result = minutes.map { MinuteStats(minute: $0) }
        for column in ChunkColumn.allCases {
            let stats = try quantity(bytes, &reader, header, column)
            for i in result.indices { result[i][column] = stats[i] }
        }
        try finish(reader)
        return result
    }

    /// The minutes and one quantity's statistics (the other quantities' sections are skipped
    /// without decoding; the checksum still covers the whole chunk).
    public static func decode(_ bytes: [UInt8], only wanted: ChunkColumn) throws(ChunkError)
        -> (minutes: [Int64], stats: [QuantityStats?])
    {
        var (minutes, reader, header) = try open(bytes)
        var result: [QuantityStats?] = []
        for column in ChunkColumn.allCases {
            if column == wanted {
                result = try quantity(bytes, &reader, header, column)
            } else {
                for field in fields[column.rawValue] { _ = try reader.section(field) }
            }
        }
        try finish(reader)
        return (minutes, result)
    }

    static func open(_ bytes: [UInt8]) throws(ChunkError) -> ([Int64], ByteReader, ChunkHeader) {
        let header = try ChunkHeader(reading: bytes)
        let body = try ChunkDecoder.verifiedBody(bytes, header: header)
        var reader = ByteReader(bytes, from: header.endOffset, end: body)
        let minutes = try TimestampColumn.decode(
            bytes, section: try reader.section("minute"), count: header.count, first: header.firstTimestamp,
            last: header.lastTimestamp)
        return (minutes, reader, header)
    }

    private static func quantity(
        _ bytes: [UInt8], _ reader: inout ByteReader, _ header: ChunkHeader, _ column: ChunkColumn
    ) throws(ChunkError) -> [QuantityStats?] {
        var columns: [[Double?]] = []
        for field in fields[column.rawValue] {
            columns.append(try ValueColumn.decode(
                bytes, section: try reader.section(field), count: header.count, presentCount: header.presentCount(column),
                field: field))
        }
        var result: [QuantityStats?] = []
        result.reserveCapacity(header.count)
        for i in 0..<header.count {
            guard let count = columns[0][i], let sum = columns[1][i], let min = columns[2][i], let max = columns[3][i],
                let last = columns[4][i]
            else {
                // The five columns share one presence pattern; a value missing from only some is damage.
                if columns.contains(where: { $0[i] != nil }) {
                    throw .invalid(at: reader.offset, "\(column)", expected: "all five statistics or none for minute \(i)", found: "some")
                }
                result.append(nil)
                continue
            }
            guard count >= 1, count <= Double(Int32.max), count == count.rounded() else {
                throw .invalid(at: reader.offset, "\(column).count", expected: "a whole count ≥ 1 for minute \(i)", found: "\(count)")
            }
            result.append(QuantityStats(count: Int(count), sum: sum, min: min, max: max, last: last))
        }
        return result
    }

    static func finish(_ reader: ByteReader) throws(ChunkError) {
        guard reader.remaining == 0 else {
            throw .corrupt(ChunkCorruption(
                kind: .trailingBytes, offset: reader.offset, field: "checksum",
                expected: "the checksum right after the frequency_hz.last section", found: "\(reader.remaining) more bytes"))
        }
    }

    private static func validate(_ minutes: [MinuteStats]) throws(ChunkError) {
        guard !minutes.isEmpty else { throw .noPoints }
        guard minutes.count <= ChunkFormat.maxPoints else {
            throw .tooManyPoints(count: minutes.count, limit: ChunkFormat.maxPoints)
        }
        for (index, m) in minutes.enumerated() {
            if index > 0 && m.minute <= minutes[index - 1].minute {
                throw .timestampsNotIncreasing(index: index, previous: minutes[index - 1].minute, current: m.minute)
            }
            for column in ChunkColumn.allCases {
                guard let s = m[column] else { continue }
                guard s.sum.isFinite, s.min.isFinite, s.max.isFinite, s.last.isFinite else {
                    throw .nonFiniteValue(index: index, column: column)
                }
                guard s.count >= 1, s.count <= Int(Int32.max) else {
                    throw .invalidStatistics(index: index, column: column, reason: "count \(s.count) is not 1…\(Int32.max)")
                }
                guard s.min <= s.last, s.last <= s.max else {
                    throw .invalidStatistics(index: index, column: column, reason: "last \(s.last) is outside min \(s.min)…max \(s.max)")
                }
            }
        }
    }
}
