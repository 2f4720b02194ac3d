import HopProtocol

/// Writes a `Telemetry` as the JSON object the hub's batch endpoint reads, by hand: the same keys
/// as HopProtocol's `Codable` form, absent fields omitted, and `ts` as epoch milliseconds (which
/// the wire protocol accepts beside RFC 3339). It is several times faster than `JSONEncoder`, and
/// the numeric `ts` is the cheapest form for the hub to decode. Non-finite numbers are never
/// written (decoding rejects them before they get here).
enum TelemetryJSON {
    static func encode(_ t: Telemetry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            appendString(value, to: &out)
        }
        func number(_ name: StaticString, _ value: Double?) {
            guard let value, value.isFinite else { return }
            key(name)
            out.append(contentsOf: value.description.utf8)
        }
        string("substation_id", t.substationID.rawValue)
        string("feeder_id", t.feederID?.rawValue)
        string("device_id", t.deviceID?.rawValue)
        string("site_name", t.siteName)
        number("latitude", t.latitude)
        number("longitude", t.longitude)
        number("voltage_kv", t.voltageKV)
        number("current_a", t.currentA)
        number("power_mw", t.powerMW)
        number("frequency_hz", t.frequencyHz)
        if let ts = t.ts {
            key("ts")
            out.append(contentsOf: String(ts.epochMilliseconds).utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
