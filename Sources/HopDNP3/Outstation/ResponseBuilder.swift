/// Builds the response fragments an outstation sends: the header (control, function, IIN) and
/// object headers for static binaries (g1v2), static floats (g30v5), binary events with time
/// (g2v2) and float events with time (g32v7). Static objects use a 16-bit start–stop range
/// (qualifier 0x01), events a 16-bit count with 16-bit index prefixes (0x28).
public struct ResponseBuilder: Sendable {
    public private(set) var bytes: [UInt8]

    /// A response (`function` 0x81) or unsolicited response (0x82) header.
    public init(control: AppControl, iin: IIN) {
        bytes = [control.byte, (control.uns ? FunctionCode.unsolicitedResponse : .response).rawValue, iin.iin1, iin.iin2]
    }

    /// g1v2 for points `start`, `start + 1`, …: flags with the state in bit 7.
    public mutating func binaryInputs(start: UInt16, _ points: [BinaryPoint]) {
        guard !points.isEmpty else { return }
        rangeHeader(group: 1, variation: 2, start: start, count: points.count)
        for p in points { bytes.append(p.flagsOctet) }
    }

    /// g30v5 for points `start`, `start + 1`, …: flags and a 32-bit float.
    public mutating func analogInputs(start: UInt16, _ points: [AnalogPoint]) {
        guard !points.isEmpty else { return }
        rangeHeader(group: 30, variation: 5, start: start, count: points.count)
        for p in points { bytes += [p.flags] + Self.le32(p.value.bitPattern) }
    }

    /// g2v2, in the order given: index, flags with the state in bit 7, 48-bit time.
    public mutating func binaryEvents(_ events: [BinaryEvent]) {
        guard !events.isEmpty else { return }
        countHeader(group: 2, variation: 2, count: events.count)
        for e in events { bytes += Self.le16(e.index) + [e.point.flagsOctet] + e.time.bytes }
    }

    /// g32v7, in the order given: index, flags, 32-bit float, 48-bit time.
    public mutating func analogEvents(_ events: [AnalogEvent]) {
        guard !events.isEmpty else { return }
        countHeader(group: 32, variation: 7, count: events.count)
        for e in events { bytes += Self.le16(e.index) + [e.point.flags] + Self.le32(e.point.value.bitPattern) + e.time.bytes }
    }

    private mutating func rangeHeader(group: UInt8, variation: UInt8, start: UInt16, count: Int) {
        bytes += [group, variation, Qualifier.startStop16.byte] + Self.le16(start) + Self.le16(start + UInt16(count - 1))
    }

    private mutating func countHeader(group: UInt8, variation: UInt8, count: Int) {
        bytes += [group, variation, Qualifier.index16Count16.byte] + Self.le16(UInt16(count))
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
}
