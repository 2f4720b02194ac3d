/// Reads a master's request fragment into a `MasterRequest` and its application control octet.
/// Object headers are walked with the same qualifiers the response parser knows; a WRITE carries
/// its objects, every other request only headers.
public enum RequestParser {
    public static func parse(_ fragment: [UInt8]) throws(DNP3Error) -> (control: AppControl, request: MasterRequest) {
        guard fragment.count >= 2 else { throw .truncated(what: "request header", offset: fragment.count) }
        let control = AppControl(byte: fragment[0])
        let function = fragment[1]
        if function == FunctionCode.confirm.rawValue {
            return (control, .confirm(sequence: control.sequence, unsolicited: control.uns))
        }
        let known: [FunctionCode] = [.read, .write, .enableUnsolicited, .disableUnsolicited]
        guard let code = FunctionCode(rawValue: function), known.contains(code) else {
            // Objects of other functions (controls, freezes, files) are not walked: nothing here uses them.
            return (control, .unsupported(function: function, objects: []))
        }
        let headers = try objectHeaders(fragment, carriesObjects: code == .write)
        let ids = headers.map(\.id)
        switch code {
        case .read:
            let classes = headers.compactMap { h in h.id.group == 60 ? PointClass(rawValue: Int(h.id.variation) - 1) : nil }
            return (control, .read(classes: classes, objects: ids.filter { $0.group != 60 }))
        case .enableUnsolicited, .disableUnsolicited:
            let classes = headers.compactMap { h in h.id.group == 60 ? PointClass(rawValue: Int(h.id.variation) - 1) : nil }
            return (control, .unsolicited(enable: function == FunctionCode.enableUnsolicited.rawValue, classes: classes))
        case .write:
            if headers.count == 1, headers[0].id == ObjectID(group: 50, variation: 1), headers[0].data.count == 6 {
                return (control, .writeTime(DNP3Time(bytes: headers[0].data[...])))
            }
            if headers.count == 1, headers[0].id == ObjectID(group: 80, variation: 1), headers[0].start == 7,
                headers[0].count == 1, headers[0].data.first.map({ $0 & 1 == 0 }) == true
            {
                return (control, .clearRestart)
            }
            return (control, .unsupported(function: function, objects: ids))
        default:
            return (control, .unsupported(function: function, objects: ids))
        }
    }

    /// One object header of a request and, for a WRITE, the bytes of its objects.
    struct Header {
        var id: ObjectID
        var start: UInt32
        var count: Int
        var data: [UInt8]
    }

    static func objectHeaders(_ fragment: [UInt8], carriesObjects: Bool) throws(DNP3Error) -> [Header] {
        var reader = Reader(bytes: fragment, offset: 2)
        var headers: [Header] = []
        while reader.offset < fragment.count {
            let at = reader.offset
            let group = try reader.u8("object header"), variation = try reader.u8("object header")
            let qualifier = Qualifier(byte: try reader.u8("object header"))
            var start: UInt32 = 0
            var count = 0
            switch qualifier.rangeCode {
            case 0, 1, 2:
                let width = [1, 2, 4][Int(qualifier.rangeCode)]
                start = try reader.uint(width, "range of g\(group)v\(variation)")
                let stop = try reader.uint(width, "range of g\(group)v\(variation)")
                guard stop >= start else { throw .badRange(group: group, variation: variation, start: start, stop: stop, offset: at) }
                count = Int(stop - start) + 1
            case 6:
                count = 0
            case 7, 8, 9:
                count = Int(try reader.uint([1, 2, 4][Int(qualifier.rangeCode) - 7], "count of g\(group)v\(variation)"))
            default:
                throw .unsupportedQualifier(group: group, variation: variation, qualifier: qualifier.byte, offset: at)
            }
            var data: [UInt8] = []
            if carriesObjects {
                guard qualifier.indexPrefixWidth == 0, let layout = ObjectLayout.of(group: group, variation: variation) else {
                    throw .unknownObject(group: group, variation: variation, qualifier: qualifier.byte, offset: at)
                }
                let octets = layout.octets(count: count, prefix: 0)
                guard reader.remaining >= octets else { throw .truncated(what: "objects g\(group)v\(variation)", offset: at) }
                data = Array(fragment[reader.offset..<reader.offset + octets])
                reader.offset += octets
            }
            headers.append(Header(id: ObjectID(group: group, variation: variation), start: start, count: count, data: data))
        }
        return headers
    }
}
