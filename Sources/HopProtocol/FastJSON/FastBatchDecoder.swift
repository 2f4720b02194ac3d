import Foundation

/// Decodes a `Batch` (or a single `Telemetry`) much faster than `JSONDecoder` for the shapes edges
/// send: telemetry is scanned field by field; the small `events`, `outages` and `health` parts are
/// handed to `JSONDecoder`. Returns nil whenever anything is unusual (unknown value type, duplicate
/// key, invalid JSON, ...), and the caller then decodes with `JSONDecoder`, which yields the same
/// value or the precise error. Differential tests hold the two to the same results.
public enum FastBatchDecoder {
    public static func batch(_ data: UnsafeRawBufferPointer) -> Batch? {
        var s = JSONScanner(data)
        var edge: EdgeID?
        var seq: Int64?
        var sentAt: SourceTime?
        var telemetry: [Telemetry] = []
        var events: [GridEvent] = []
        var outages: [Outage] = []
        var health: EdgeHealth?
        var seen = Set<String>()
        do {
            try s.object { (s: inout JSONScanner, key: String) throws(JSONScanner.Give) in
                guard seen.insert(key).inserted else { throw .up }
                switch key {
                case "edge_id": edge = EdgeID(try s.string())
                case "seq": seq = try s.int64()
                case "sent_at": sentAt = try time(&s)
                case "telemetry":
                    if try s.consumeNull() { return }
                    telemetry.reserveCapacity(1024)
                    try s.array { (s: inout JSONScanner) throws(JSONScanner.Give) in telemetry.append(try reading(&s)) }
                case "events": events = try foundation([GridEvent].self, &s) ?? []
                case "outages": outages = try foundation([Outage].self, &s) ?? []
                case "health": health = try foundation(EdgeHealth.self, &s)
                default: _ = try s.skipValue()
                }
            }
            s.skipWhitespace()
            guard s.isAtEnd, let edge, let seq else { return nil }
            return Batch(edgeID: edge, seq: seq, sentAt: sentAt, telemetry: telemetry, events: events, outages: outages, health: health)
        } catch {
            return nil
        }
    }

    /// One telemetry object, as `POST /api/ingest/telemetry` receives it.
    public static func telemetry(_ data: UnsafeRawBufferPointer) -> Telemetry? {
        var s = JSONScanner(data)
        guard let t = try? reading(&s) else { return nil }
        s.skipWhitespace()
        return s.isAtEnd ? t : nil
    }

    static func reading(_ s: inout JSONScanner) throws(JSONScanner.Give) -> Telemetry {
        var t = Telemetry(substationID: "")
        var hasSubstation = false
        var seen: UInt16 = 0
        try s.rawObject { (s: inout JSONScanner, key: UnsafeRawBufferPointer) throws(JSONScanner.Give) in
            let bit = readingField(key)
            switch bit {
            case 1: t.substationID = SubstationID(try s.string()); hasSubstation = true
            case 2: t.feederID = try s.optionalString().map(FeederID.init)
            case 4: t.deviceID = try s.optionalString().map(DeviceID.init)
            case 8: t.siteName = try s.optionalString()
            case 16: t.latitude = try s.optionalDouble()
            case 32: t.longitude = try s.optionalDouble()
            case 64: t.voltageKV = try s.optionalDouble()
            case 128: t.currentA = try s.optionalDouble()
            case 256: t.powerMW = try s.optionalDouble()
            case 512: t.frequencyHz = try s.optionalDouble()
            case 1024: t.ts = try s.consumeNull() ? nil : try time(&s)
            default: _ = try s.skipValue()
            }
            if bit != 0 {
                guard seen & bit == 0 else { throw .up }
                seen |= bit
            }
        }
        guard hasSubstation else { throw .up }
        return t
    }

    /// The bit of a reading's field named `key` (0 for any other key), matched on the raw bytes.
    static func readingField(_ key: UnsafeRawBufferPointer) -> UInt16 {
        switch key.count {
        case 2: return JSONScanner.key(key, is: "ts") ? 1024 : 0
        case 8: return JSONScanner.key(key, is: "latitude") ? 16 : JSONScanner.key(key, is: "power_mw") ? 256 : 0
        case 9:
            if JSONScanner.key(key, is: "feeder_id") { return 2 }
            if JSONScanner.key(key, is: "device_id") { return 4 }
            if JSONScanner.key(key, is: "site_name") { return 8 }
            if JSONScanner.key(key, is: "longitude") { return 32 }
            return JSONScanner.key(key, is: "current_a") ? 128 : 0
        case 10: return JSONScanner.key(key, is: "voltage_kv") ? 64 : 0
        case 12: return JSONScanner.key(key, is: "frequency_hz") ? 512 : 0
        case 13: return JSONScanner.key(key, is: "substation_id") ? 1 : 0
        default: return 0
        }
    }

    static func time(_ s: inout JSONScanner) throws(JSONScanner.Give) -> SourceTime {
        if try s.peek() == UInt8(ascii: "\"") {
            guard let t = SourceTime(rfc3339: try s.string()) else { throw .up }
            return t
        }
        let (text, integral) = try s.numberText()
        // Anything outside the accepted range goes to JSONDecoder, which names the field and the range.
        if integral, let ms = Int64(text) {
            guard let t = SourceTime(checkedEpochMilliseconds: ms) else { throw .up }
            return t
        }
        guard let d = Double(text), d.isFinite, abs(d) < 1e15, let t = SourceTime(checkedEpochMilliseconds: Int64(d.rounded()))
        else { throw .up }
        return t
    }

    static func foundation<T: Decodable>(_ type: T.Type, _ s: inout JSONScanner) throws(JSONScanner.Give) -> T? {
        if try s.consumeNull() { return nil }
        let range = try s.skipValue()
        let data = Data(UnsafeRawBufferPointer(rebasing: s.bytes[range]))
        guard let value = try? JSONDecoder().decode(T.self, from: data) else { throw .up }
        return value
    }
}
