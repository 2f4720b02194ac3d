/// Walks the object headers of a response fragment. Objects of a known layout that are not mapped
/// are stepped over; an object whose size is unknown stops the walk with `DNP3Error.unknownObject`,
/// since nothing after it can be located.
public enum ResponseParser {
    public static func parse(_ fragment: [UInt8]) throws(DNP3Error) -> ParsedResponse {
        var result = ParsedResponse(header: try ResponseHeader.parse(fragment))
        var reader = Reader(bytes: fragment, offset: 4)
        var cto: DNP3Time?
        while reader.offset < fragment.count {
            let headerOffset = reader.offset
            let group = try reader.u8("object header"), variation = try reader.u8("object header")
            let qualifierByte = try reader.u8("object header")
            let qualifier = Qualifier(byte: qualifierByte)
            func unsupported() -> DNP3Error {
                .unsupportedQualifier(group: group, variation: variation, qualifier: qualifierByte, offset: headerOffset)
            }
            // Range: explicit indices (start–stop) or a count of prefixed/implicit objects.
            var start: UInt32 = 0
            let count: Int
            switch qualifier.rangeCode {
            case 0, 1, 2:
                let width = [1, 2, 4][Int(qualifier.rangeCode)]
                start = try reader.uint(width, "range of g\(group)v\(variation)")
                let stop: UInt32 = try reader.uint(width, "range of g\(group)v\(variation)")
                guard stop >= start else {
                    throw .badRange(group: group, variation: variation, start: start, stop: stop, offset: headerOffset)
                }
                count = Int(stop - start) + 1
            case 6:
                count = 0
            case 7, 8, 9:
                let width = [1, 2, 4][Int(qualifier.rangeCode) - 7]
                count = Int(try reader.uint(width, "count of g\(group)v\(variation)") as UInt32)
            default:
                throw unsupported()
            }
            guard let prefix = qualifier.indexPrefixWidth else { throw unsupported() }
            guard let layout = ObjectLayout.of(group: group, variation: variation) else {
                throw .unknownObject(group: group, variation: variation, qualifier: qualifierByte, offset: headerOffset)
            }
            if case .packed = layout, prefix != 0 { throw unsupported() }
            let octets = layout.octets(count: count, prefix: prefix)
            guard reader.remaining >= octets else {
                throw .truncated(what: "\(count) objects g\(group)v\(variation)", offset: headerOffset)
            }
            let mapped = ObjectDecoder.maps(group: group, variation: variation)
            switch layout {
            case .packed(let bits):
                let data = fragment[reader.offset..<reader.offset + octets]
                if mapped {
                    for i in 0..<count {
                        if let m = ObjectDecoder.packed(
                            group: group, variation: variation, data: data, position: i, index: start + UInt32(i))
                        {
                            result.measurements.append(m)
                        }
                    }
                }
                _ = bits
                reader.offset += octets
            case .fixed(let size):
                for i in 0..<count {
                    let index: UInt32 = prefix == 0 ? start + UInt32(i) : try reader.uint(prefix, "index")
                    let object = fragment[reader.offset..<reader.offset + size]
                    if group == 51 {
                        cto = DNP3Time(bytes: object)
                    } else if mapped {
                        if (group == 2 || group == 4) && variation == 3 && cto == nil {
                            throw .missingCommonTime(group: group, variation: variation, offset: headerOffset)
                        }
                        if let m = ObjectDecoder.fixed(group: group, variation: variation, object: object, index: index, cto: cto) {
                            result.measurements.append(m)
                        }
                    }
                    reader.offset += size
                }
            }
            if !mapped && group != 51 {
                result.skipped.append(SkippedObjects(group: group, variation: variation, count: count, offset: headerOffset))
            }
        }
        return result
    }
}

/// A cursor over a fragment whose reads fail with the offset they stopped at.
struct Reader {
    let bytes: [UInt8]
    var offset: Int

    var remaining: Int { bytes.count - offset }

    mutating func u8(_ what: String) throws(DNP3Error) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(what: what, offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A little-endian unsigned integer of `width` octets (1, 2 or 4).
    mutating func uint(_ width: Int, _ what: String) throws(DNP3Error) -> UInt32 {
        guard offset + width <= bytes.count else { throw .truncated(what: what, offset: offset) }
        var value: UInt32 = 0
        for i in 0..<width { value |= UInt32(bytes[offset + i]) << (8 * i) }
        offset += width
        return value
    }
}
