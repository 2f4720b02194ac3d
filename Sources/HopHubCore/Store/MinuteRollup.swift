import HopProtocol

/// Per-minute min/max/sum/count/last of each quantity for one (substation, feeder, minute), built in
/// memory from a commit group so the store upserts one row per minute instead of one per reading.
public struct MinuteRollup: Sendable, Hashable {
    public struct Stat: Sendable, Hashable {
        public var min = Double.infinity
        public var max = -Double.infinity
        public var sum = 0.0
        public var count = 0
        public var last: Double?
        public var lastTs: Int64 = .min

        mutating func add(_ value: Double?, ts: Int64) {
            guard let value else { return }
            min = Swift.min(min, value)
            max = Swift.max(max, value)
            sum += value
            count += 1
            if ts >= lastTs {
                last = value
                lastTs = ts
            }
        }
    }

    public struct Key: Hashable, Sendable {
        public var substationID: SubstationID
        public var feederID: String
        public var minute: Int64
    }

    public var voltage = Stat()
    public var current = Stat()
    public var power = Stat()
    public var frequency = Stat()
    public var lastTs: Int64 = .min

    public var stats: [Stat] { [voltage, current, power, frequency] }

    mutating func add(_ t: StoredTelemetry) {
        voltage.add(t.values.voltageKV, ts: t.ts)
        current.add(t.values.currentA, ts: t.ts)
        power.add(t.values.powerMW, ts: t.ts)
        frequency.add(t.values.frequencyHz, ts: t.ts)
        lastTs = Swift.max(lastTs, t.ts)
    }

    /// Groups readings by (substation, feeder, minute of source time).
    public static func build(_ readings: some Sequence<StoredTelemetry>) -> [Key: MinuteRollup] {
        var result: [Key: MinuteRollup] = [:]
        for t in readings {
            let minute = t.ts >= 0 ? t.ts / 60_000 * 60_000 : (t.ts - 59_999) / 60_000 * 60_000
            result[Key(substationID: t.substationID, feederID: t.feederID, minute: minute), default: MinuteRollup()].add(t)
        }
        return result
    }
}
