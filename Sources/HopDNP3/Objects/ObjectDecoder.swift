/// Decodes the objects this master maps (g1/g2/g3/g4 binaries, g20/g22 counters, g30/g32 analogs)
/// into `Measurement`s. Every other object with a known layout is skipped by the parser.
enum ObjectDecoder {
    /// Whether `group`/`variation` decodes to measurements.
    static func maps(group: UInt8, variation: UInt8) -> Bool {
        switch group {
        case 1, 3: variation == 1 || variation == 2
        case 2, 4: (1...3).contains(variation)
        case 20: [1, 2, 5, 6].contains(variation)
        case 22: [1, 2, 5, 6].contains(variation)
        case 30: (1...6).contains(variation)
        case 32: (1...8).contains(variation)
        default: false
        }
    }

    /// One packed object: bit `position` of `bits`-wide values.
    static func packed(group: UInt8, variation: UInt8, data: ArraySlice<UInt8>, position: Int, index: UInt32) -> Measurement? {
        let base = data.startIndex
        switch group {
        case 1:
            let on = data[base + position / 8] >> (position % 8) & 1 == 1
            return Measurement(
                type: .binary, index: index, value: .binary(on), flags: Flags(raw: 0x01 | (on ? 0x80 : 0), type: .binary),
                isEvent: false, group: group, variation: variation)
        case 3:
            let bit = position * 2
            let state = data[base + bit / 8] >> (bit % 8) & 0x03
            return Measurement(
                type: .doubleBit, index: index, value: .doubleBit(DoubleBit(rawValue: state) ?? .indeterminate),
                flags: Flags(raw: 0x01 | state << 6, type: .doubleBit), isEvent: false, group: group, variation: variation)
        default:
            return nil
        }
    }

    /// One fixed-size object starting at `object`'s first octet; `cto` is the last common time of
    /// occurrence in the fragment (for relative-time variations).
    static func fixed(
        group: UInt8, variation: UInt8, object o: ArraySlice<UInt8>, index: UInt32, cto: DNP3Time?
    ) -> Measurement? {
        let b = o.startIndex
        func time(at offset: Int) -> DNP3Time { DNP3Time(bytes: o[(b + offset)..<(b + offset + 6)]) }
        func relative() -> DNP3Time? {
            cto.map { DNP3Time(epochMilliseconds: $0.epochMilliseconds + Int64(u16(o, b + 1))) }
        }
        func make(_ type: PointType, _ value: PointValue, flags: UInt8, time: DNP3Time? = nil, event: Bool) -> Measurement {
            Measurement(
                type: type, index: index, value: value, flags: Flags(raw: flags, type: type), time: time, isEvent: event,
                group: group, variation: variation)
        }
        let flags = o[b]
        switch (group, variation) {
        case (1, 2): return make(.binary, .binary(flags & 0x80 != 0), flags: flags, event: false)
        case (2, 1): return make(.binary, .binary(flags & 0x80 != 0), flags: flags, event: true)
        case (2, 2): return make(.binary, .binary(flags & 0x80 != 0), flags: flags, time: time(at: 1), event: true)
        case (2, 3): return make(.binary, .binary(flags & 0x80 != 0), flags: flags, time: relative(), event: true)
        case (3, 2): return make(.doubleBit, .doubleBit(DoubleBit(rawValue: flags >> 6)!), flags: flags, event: false)
        case (4, 1): return make(.doubleBit, .doubleBit(DoubleBit(rawValue: flags >> 6)!), flags: flags, event: true)
        case (4, 2):
            return make(.doubleBit, .doubleBit(DoubleBit(rawValue: flags >> 6)!), flags: flags, time: time(at: 1), event: true)
        case (4, 3):
            return make(.doubleBit, .doubleBit(DoubleBit(rawValue: flags >> 6)!), flags: flags, time: relative(), event: true)
        case (20, 1), (22, 1): return make(.counter, .counter(u32(o, b + 1)), flags: flags, event: group == 22)
        case (20, 2), (22, 2): return make(.counter, .counter(UInt32(u16(o, b + 1))), flags: flags, event: group == 22)
        case (20, 5): return make(.counter, .counter(u32(o, b)), flags: 0x01, event: false)
        case (20, 6): return make(.counter, .counter(UInt32(u16(o, b))), flags: 0x01, event: false)
        case (22, 5): return make(.counter, .counter(u32(o, b + 1)), flags: flags, time: time(at: 5), event: true)
        case (22, 6): return make(.counter, .counter(UInt32(u16(o, b + 1))), flags: flags, time: time(at: 3), event: true)
        case (30, 1), (32, 1): return make(.analog, .analog(Double(Int32(bitPattern: u32(o, b + 1)))), flags: flags, event: group == 32)
        case (30, 2), (32, 2): return make(.analog, .analog(Double(Int16(bitPattern: u16(o, b + 1)))), flags: flags, event: group == 32)
        case (30, 3): return make(.analog, .analog(Double(Int32(bitPattern: u32(o, b)))), flags: 0x01, event: false)
        case (30, 4): return make(.analog, .analog(Double(Int16(bitPattern: u16(o, b)))), flags: 0x01, event: false)
        case (30, 5), (32, 5): return make(.analog, .analog(Double(Float(bitPattern: u32(o, b + 1)))), flags: flags, event: group == 32)
        case (30, 6), (32, 6): return make(.analog, .analog(Double(bitPattern: u64(o, b + 1))), flags: flags, event: group == 32)
        case (32, 3):
            return make(.analog, .analog(Double(Int32(bitPattern: u32(o, b + 1)))), flags: flags, time: time(at: 5), event: true)
        case (32, 4):
            return make(.analog, .analog(Double(Int16(bitPattern: u16(o, b + 1)))), flags: flags, time: time(at: 3), event: true)
        case (32, 7):
            return make(.analog, .analog(Double(Float(bitPattern: u32(o, b + 1)))), flags: flags, time: time(at: 5), event: true)
        case (32, 8):
            return make(.analog, .analog(Double(bitPattern: u64(o, b + 1))), flags: flags, time: time(at: 9), event: true)
        default: return nil
        }
    }

    static func u16(_ d: ArraySlice<UInt8>, _ i: Int) -> UInt16 { UInt16(d[i]) | UInt16(d[i + 1]) << 8 }

    static func u32(_ d: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
        UInt32(d[i]) | UInt32(d[i + 1]) << 8 | UInt32(d[i + 2]) << 16 | UInt32(d[i + 3]) << 24
    }

    static func u64(_ d: ArraySlice<UInt8>, _ i: Int) -> UInt64 { UInt64(u32(d, i)) | UInt64(u32(d, i + 4)) << 32 }
}
