/// Decodes chunks written by ``ChunkEncoder``. Damaged bytes are reported as
/// ``ChunkError/corrupt(_:)`` with the byte offset; decoding never traps and never reads out of
/// bounds.
public enum ChunkDecoder {
    /// Reads only the header: count, first and last timestamp, values per column. Cheap (a few
    /// varints); the checksum is not verified.
    public static func header(_ bytes: [UInt8]) throws(ChunkError) -> ChunkHeader {
        try ChunkHeader(reading: bytes)
    }

    /// Decodes every point, after verifying the version and the CRC-32C trailer.
    public static func decode(_ bytes: [UInt8]) throws(ChunkError) -> [ChunkPoint] {
        try decode(bytes, verifyingChecksum: true)
    }

    /// `verifyingChecksum: false` lets tests reach the structural checks with damaged bytes.
    static func decode(_ bytes: [UInt8], verifyingChecksum: Bool) throws(ChunkError) -> [ChunkPoint] {
        let header = try ChunkHeader(reading: bytes)
        let body = verifyingChecksum ? try verifiedBody(bytes, header: header) : try bodyEnd(bytes, header: header)

        var reader = ByteReader(bytes, from: header.endOffset, end: body)
        let tsSection = try reader.section("ts")
        let timestamps = try TimestampColumn.decode(
            bytes, section: tsSection, count: header.count, first: header.firstTimestamp, last: header.lastTimestamp)
        var columns = [[Double?]]()
        for column in ChunkColumn.allCases {
            let section = try reader.section(column.description)
            columns.append(try ValueColumn.decode(
                bytes, section: section, count: header.count, presentCount: header.presentCount(column),
                field: column.description))
        }
        guard reader.remaining == 0 else {
            throw .corrupt(ChunkCorruption(
                kind: .trailingBytes, offset: reader.offset, field: "checksum",
                expected: "the checksum right after the frequency_hz section", found: "\(reader.remaining) more bytes"))
        }

        var points = [ChunkPoint]()
        points.reserveCapacity(header.count)
        for i in 0..<header.count {
            points.append(ChunkPoint(
                ts: timestamps[i], voltageKV: columns[0][i], currentA: columns[1][i], powerMW: columns[2][i],
                frequencyHz: columns[3][i]))
        }
        return points
    }

    /// Where the body ends (the trailer starts), after checking the CRC-32C trailer.
    static func verifiedBody(_ bytes: [UInt8], header: ChunkHeader) throws(ChunkError) -> Int {
        let body = try bodyEnd(bytes, header: header)
        var trailer = ByteReader(bytes, from: body)
        let stored = try trailer.uint32BigEndian("checksum")
        let computed = CRC32C.checksum(bytes, 0..<body)
        guard stored == computed else {
            throw .corrupt(ChunkCorruption(
                kind: .checksumMismatch, offset: body, field: "checksum",
                expected: hex(computed) + " (CRC-32C of bytes 0..<\(body))", found: hex(stored)))
        }
        return body
    }

    private static func bodyEnd(_ bytes: [UInt8], header: ChunkHeader) throws(ChunkError) -> Int {
        let body = bytes.count - ChunkFormat.checksumLength
        guard body >= header.endOffset else {
            throw .truncated(at: bytes.count, "checksum", expected: "\(ChunkFormat.checksumLength)-byte CRC-32C trailer")
        }
        return body
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
