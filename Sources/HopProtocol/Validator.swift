/// Checks records against `ValidationLimits`. Pure: the caller passes the current time.
/// The first failure is reported, with the path of the field (`telemetry[3].frequency_hz`). Paths
/// and field names are autoclosures, built only for a failure: a batch of thousands of valid
/// readings otherwise built a dozen strings per reading.
public struct Validator: Sendable {
    public var limits: ValidationLimits
    public var now: SourceTime

    public init(limits: ValidationLimits = ValidationLimits(), now: SourceTime) {
        self.limits = limits
        self.now = now
    }

    public func validate(_ t: Telemetry, at path: @autoclosure () -> String = "") throws(ValidationFailure) {
        try identifier(t.substationID.rawValue, path() + "substation_id")
        if let f = t.feederID { try identifier(f.rawValue, path() + "feeder_id") }
        if let d = t.deviceID { try identifier(d.rawValue, path() + "device_id") }
        try text(t.siteName, path() + "site_name", max: limits.nameMaxLength)
        try number(t.latitude, path() + "latitude", limits.latitude, unit: "degrees")
        try number(t.longitude, path() + "longitude", limits.longitude, unit: "degrees")
        try number(t.voltageKV, path() + "voltage_kv", limits.voltageKV, unit: "kV")
        try number(t.currentA, path() + "current_a", limits.currentA, unit: "A")
        try number(t.powerMW, path() + "power_mw", limits.powerMW, unit: "MW")
        try number(t.frequencyHz, path() + "frequency_hz", limits.frequencyHz, unit: "Hz")
        if t.voltageKV == nil, t.currentA == nil, t.powerMW == nil, t.frequencyHz == nil {
            throw ValidationFailure(
                field: path() + "voltage_kv",
                message: "a reading needs at least one of voltage_kv, current_a, power_mw, frequency_hz")
        }
        if (t.latitude == nil) != (t.longitude == nil) {
            throw ValidationFailure(field: path() + "latitude", message: "latitude and longitude go together")
        }
        try time(t.ts, path() + "ts")
    }

    public func validate(_ e: GridEvent, at path: @autoclosure () -> String = "") throws(ValidationFailure) {
        if let s = e.substationID { try identifier(s.rawValue, path() + "substation_id") }
        if let d = e.deviceID { try identifier(d.rawValue, path() + "device_id") }
        if let f = e.feederID { try identifier(f.rawValue, path() + "feeder_id") }
        try code(e.severity, path() + "severity")
        try code(e.eventType, path() + "event_type")
        try text(e.oldState, path() + "old_state", max: limits.nameMaxLength)
        try text(e.newState, path() + "new_state", max: limits.nameMaxLength)
        try text(e.message, path() + "message", max: limits.messageMaxLength)
        try number(e.latitude, path() + "latitude", limits.latitude, unit: "degrees")
        try number(e.longitude, path() + "longitude", limits.longitude, unit: "degrees")
        if (e.latitude == nil) != (e.longitude == nil) {
            throw ValidationFailure(field: path() + "latitude", message: "latitude and longitude go together")
        }
        try time(e.ts, path() + "ts")
    }

    public func validate(_ o: Outage, at path: @autoclosure () -> String = "") throws(ValidationFailure) {
        try identifier(o.outageID.rawValue, path() + "outage_id")
        if let s = o.substationID { try identifier(s.rawValue, path() + "substation_id") }
        if let f = o.feederID { try identifier(f.rawValue, path() + "feeder_id") }
        if let c = o.customersOut, !limits.customersOut.contains(c) {
            throw ValidationFailure(
                field: path() + "customers_out",
                message: "\(c) is outside \(limits.customersOut.lowerBound)…\(limits.customersOut.upperBound)")
        }
        try number(o.mwInterrupted, path() + "mw_interrupted", limits.mwInterrupted, unit: "MW")
        try code(o.status, path() + "status")
        try text(o.cause, path() + "cause", max: limits.nameMaxLength)
        try text(o.region, path() + "region", max: limits.nameMaxLength)
        try number(o.latitude, path() + "latitude", limits.latitude, unit: "degrees")
        try number(o.longitude, path() + "longitude", limits.longitude, unit: "degrees")
        try time(o.ts, path() + "ts")
        try time(o.etrTime, path() + "etr_time", maxFutureMs: limits.maxEtrFutureMs)
    }

    public func validate(_ b: Batch) throws(ValidationFailure) {
        try identifier(b.edgeID.rawValue, "edge_id")
        guard b.seq >= 1 else { throw ValidationFailure(field: "seq", message: "seq must be a positive integer") }
        guard b.recordCount <= limits.maxRecordsPerBatch else {
            throw ValidationFailure(
                field: "telemetry",
                message: "\(b.recordCount) records exceed the limit of \(limits.maxRecordsPerBatch) per batch")
        }
        for (i, t) in b.telemetry.enumerated() { try validate(t, at: "telemetry[\(i)].") }
        for (i, e) in b.events.enumerated() { try validate(e, at: "events[\(i)].") }
        for (i, o) in b.outages.enumerated() { try validate(o, at: "outages[\(i)].") }
        try time(b.sentAt, "sent_at")
        if let health = b.health { try validate(health, at: "health.") }
    }

    // MARK: - Field rules

    public func identifier(_ value: String, _ field: @autoclosure () -> String) throws(ValidationFailure) {
        guard !value.isEmpty else { throw ValidationFailure(field: field(), message: "must not be empty") }
        guard value.utf8.count <= limits.identifierMaxLength else {
            throw ValidationFailure(field: field(), message: "longer than \(limits.identifierMaxLength) characters")
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: ":"), UInt8(ascii: "-"):
                continue
            default:
                throw ValidationFailure(
                    field: field(), message: "may contain only letters, digits and _ . : - (got '\(value.prefix(64))')")
            }
        }
    }

    func code(_ value: String, _ field: @autoclosure () -> String) throws(ValidationFailure) {
        guard !value.isEmpty, value.utf8.count <= limits.codeMaxLength else {
            throw ValidationFailure(field: field(), message: "must be 1…\(limits.codeMaxLength) characters")
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                continue
            default:
                throw ValidationFailure(field: field(), message: "may contain only letters, digits and _")
            }
        }
    }

    func text(_ value: String?, _ field: @autoclosure () -> String, max: Int) throws(ValidationFailure) {
        guard let value else { return }
        // A text no longer in bytes than `max` has no more than `max` characters: counting
        // characters (grapheme clusters) is only needed for longer ones.
        guard value.utf8.count <= max || value.count <= max else {
            throw ValidationFailure(field: field(), message: "longer than \(max) characters")
        }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" }) {
            throw ValidationFailure(field: field(), message: "must not contain control characters")
        }
    }

    func number(_ value: Double?, _ field: @autoclosure () -> String, _ range: ClosedRange<Double>, unit: String)
        throws(ValidationFailure)
    {
        guard let value else { return }
        guard value.isFinite else { throw ValidationFailure(field: field(), message: "must be a finite number") }
        guard range.contains(value) else {
            throw ValidationFailure(
                field: field(),
                message: "\(value) \(unit) is physically implausible (allowed \(range.lowerBound)…\(range.upperBound))")
        }
    }

    /// Within `maxPastMs` before now and `maxFutureMs` (default: the clock-skew allowance) after it.
    /// Decoding already refused instants outside `SourceTime.representableRange`; the arithmetic
    /// saturates, so limits set absurdly high cannot trap either.
    func time(_ value: SourceTime?, _ field: @autoclosure () -> String, maxFutureMs: Int64? = nil) throws(ValidationFailure) {
        guard let value else { return }
        guard value.isRepresentable else {
            throw ValidationFailure(field: field(), message: "is outside the years 0001…9999")
        }
        let future = maxFutureMs ?? limits.maxFutureSkewMs
        if value.epochMilliseconds > now.adding(milliseconds: future).epochMilliseconds {
            throw ValidationFailure(
                field: field(),
                message: maxFutureMs == nil
                    ? "\(value.rfc3339) is more than \(future / 1000) s in the future (check the sender's clock)"
                    : "\(value.rfc3339) is more than \(future / 86_400_000) days in the future")
        }
        if value.epochMilliseconds < now.adding(milliseconds: -limits.maxPastMs).epochMilliseconds {
            throw ValidationFailure(
                field: field(), message: "\(value.rfc3339) is older than \(limits.maxPastMs / 86_400_000) days")
        }
    }
}
