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

    /// Groups readings by (substation, feeder, minute of source time). A reading of the same
    /// minute and series as the one before it is added without a lookup (readings given series
    /// by series, in time order, take one lookup per minute).
    public static func build(_ readings: some Sequence<StoredTelemetry>) -> [Key: MinuteRollup] {
        var keys: [Key] = []
        var rollups: [MinuteRollup] = []
        var place: [Key: Int] = [:]
        var current = -1
        for t in readings {
            let minute = t.ts >= 0 ? t.ts / 60_000 * 60_000 : (t.ts - 59_999) / 60_000 * 60_000
            if current < 0 || keys[current].minute != minute || keys[current].feederID != t.feederID
                || keys[current].substationID != t.substationID
            {
                let key = Key(substationID: t.substationID, feederID: t.feederID, minute: minute)
                if let known = place[key] {
                    current = known
                } else {
                    current = keys.count
                    place[key] = current
                    keys.append(key)
                    rollups.append(MinuteRollup())
                }
            }
            rollups[current].add(t)
        }
        return Dictionary(uniqueKeysWithValues: zip(keys, rollups))
    }
}
