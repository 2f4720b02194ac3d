/// The large query answers written with `JSONWriter`: the same bytes `JSONEncoder` gives for them.

extension TimeSeriesResponse {
    public var jsonBytes: [UInt8] {
        var w = JSONWriter(capacity: 64 + points.count * (hasEnvelope ? 420 : 160))
        w.raw("{\"substation_id\":")
        w.string(substationID.rawValue)
        w.raw(",\"minutes\":")
        w.integer(Int64(minutes))
        w.raw(",\"resolution_s\":")
        w.integer(Int64(resolutionSeconds))
        w.raw(",\"points\":")
        w.array(points) { w, p in p.write(to: &w) }
        w.byte(UInt8(ascii: "}"))
        return w.bytes
    }

    private var hasEnvelope: Bool { points.first?.min != nil }
}

extension TimeSeriesPoint {
    func write(to w: inout JSONWriter) {
        w.raw("{\"time\":")
        w.time(time)
        if let feederID {
            w.raw(",\"feeder_id\":")
            w.string(feederID.rawValue)
        }
        w.field("voltage_kv", voltageKV)
        w.field("current_a", currentA)
        w.field("power_mw", powerMW)
        w.field("frequency_hz", frequencyHz)
        if let min {
            w.raw(",\"min\":")
            min.write(to: &w)
        }
        if let max {
            w.raw(",\"max\":")
            max.write(to: &w)
        }
        w.byte(UInt8(ascii: "}"))
    }
}

extension MetricValues {
    func write(to w: inout JSONWriter) {
        w.byte(UInt8(ascii: "{"))
        var first = true
        func field(_ w: inout JSONWriter, _ name: StaticString, _ value: Double?) {
            guard let value else { return }
            if !first { w.byte(UInt8(ascii: ",")) }
            first = false
            w.key(name)
            w.number(value)
        }
        field(&w, "voltage_kv", voltageKV)
        field(&w, "current_a", currentA)
        field(&w, "power_mw", powerMW)
        field(&w, "frequency_hz", frequencyHz)
        w.byte(UInt8(ascii: "}"))
    }
}

extension FrequencyThresholds {
    public var jsonBytes: [UInt8] {
        var w = JSONWriter(capacity: 256 + series.reduce(0) { $0 + 48 + $1.points.count * 100 })
        w.raw("{\"nominal_hz\":")
        w.number(nominalHz)
        w.raw(",\"band_low_hz\":")
        w.number(bandLowHz)
        w.raw(",\"band_high_hz\":")
        w.number(bandHighHz)
        w.raw(",\"minutes\":")
        w.integer(Int64(minutes))
        w.raw(",\"resolution_s\":")
        w.integer(Int64(resolutionSeconds))
        w.raw(",\"series\":")
        w.array(series) { w, s in
            w.raw("{\"substation_id\":")
            w.string(s.substationID.rawValue)
            w.raw(",\"points\":")
            w.array(s.points) { w, p in
                w.raw("{\"time\":")
                w.time(p.time)
                w.raw(",\"frequency_hz\":")
                w.number(p.frequencyHz)
                w.field("min_hz", p.minHz)
                w.field("max_hz", p.maxHz)
                w.byte(UInt8(ascii: "}"))
            }
            w.byte(UInt8(ascii: "}"))
        }
        w.byte(UInt8(ascii: "}"))
        return w.bytes
    }
}

extension Array where Element == AnomalyScore {
    public var jsonBytes: [UInt8] {
        var w = JSONWriter(capacity: 16 + count * 300)
        w.array(self) { w, s in
            w.raw("{\"time\":")
            w.time(s.time)
            w.raw(",\"substation_id\":")
            w.string(s.substationID.rawValue)
            w.raw(",\"anomaly_score\":")
            w.number(s.anomalyScore)
            w.raw(",\"is_anomaly\":")
            w.bool(s.isAnomaly)
            w.raw(",\"z_score\":")
            w.number(s.zScore)
            w.raw(",\"baseline_mean\":")
            w.number(s.baselineMean)
            w.raw(",\"baseline_std\":")
            w.number(s.baselineStd)
            w.raw(",\"latest_value\":")
            w.number(s.latestValue)
            w.raw(",\"model_version\":")
            w.string(s.modelVersion)
            w.raw(",\"classification\":")
            w.string(s.classification)
            w.byte(UInt8(ascii: "}"))
        }
        return w.bytes
    }
}

extension Array where Element == LatestReading {
    public var jsonBytes: [UInt8] {
        var w = JSONWriter(capacity: 16 + count * 260)
        w.array(self) { w, r in
            w.raw("{\"time\":")
            w.time(r.time)
            w.raw(",\"substation_id\":")
            w.string(r.substationID.rawValue)
            if let feederID = r.feederID {
                w.raw(",\"feeder_id\":")
                w.string(feederID.rawValue)
            }
            if let deviceID = r.deviceID {
                w.raw(",\"device_id\":")
                w.string(deviceID.rawValue)
            }
            if let siteName = r.siteName {
                w.raw(",\"site_name\":")
                w.string(siteName)
            }
            w.field("latitude", r.latitude)
            w.field("longitude", r.longitude)
            w.field("voltage_kv", r.voltageKV)
            w.field("current_a", r.currentA)
            w.field("power_mw", r.powerMW)
            w.field("frequency_hz", r.frequencyHz)
            w.byte(UInt8(ascii: "}"))
        }
        return w.bytes
    }
}
