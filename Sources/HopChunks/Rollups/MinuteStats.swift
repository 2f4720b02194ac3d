/// One quantity over one minute of one series: how many readings had it, their sum, extremes and
/// the value of the latest one (by source time).
public struct QuantityStats: Sendable, Equatable {
    public var count: Int
    public var sum: Double
    public var min: Double
    public var max: Double
    public var last: Double

    public init(count: Int, sum: Double, min: Double, max: Double, last: Double) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.last = last
    }

    /// Both minutes' readings together (`other` holding the later `last`).
    public func combined(with other: QuantityStats) -> QuantityStats {
        QuantityStats(
            count: count + other.count, sum: sum + other.sum, min: Swift.min(min, other.min), max: Swift.max(max, other.max),
            last: other.last)
    }
}

/// One minute of one series, summarised per quantity (nil when no reading of the minute had it).
/// The per-minute rollup that long-range queries are answered from.
public struct MinuteStats: Sendable, Equatable {
    /// Start of the minute, epoch milliseconds (a multiple of 60,000).
    public var minute: Int64
    public var voltageKV: QuantityStats?
    public var currentA: QuantityStats?
    public var powerMW: QuantityStats?
    public var frequencyHz: QuantityStats?

    public init(
        minute: Int64, voltageKV: QuantityStats? = nil, currentA: QuantityStats? = nil, powerMW: QuantityStats? = nil,
        frequencyHz: QuantityStats? = nil
    ) {
        self.minute = minute
        self.voltageKV = voltageKV
        self.currentA = currentA
        self.powerMW = powerMW
        self.frequencyHz = frequencyHz
    }

    public subscript(column: ChunkColumn) -> QuantityStats? {
        get {
            switch column {
            case .voltageKV: voltageKV
            case .currentA: currentA
            case .powerMW: powerMW
            case .frequencyHz: frequencyHz
            }
        }
        set {
            switch column {
            case .voltageKV: voltageKV = newValue
            case .currentA: currentA = newValue
            case .powerMW: powerMW = newValue
            case .frequencyHz: frequencyHz = newValue
            }
        }
    }

    /// Start of the minute holding `ts` (floor division, so negative times align too). The few
    /// instants of the first minute below `Int64.min`'s minute boundary map to `Int64.min`.
    public static func minuteStart(_ ts: Int64) -> Int64 {
        let q = ts / 60_000
        let (start, overflow) = (ts % 60_000 < 0 ? q - 1 : q).multipliedReportingOverflow(by: 60_000)
        return overflow ? .min : start
    }

    /// Per-minute statistics of `points`, which must be ordered by time with one point per
    /// timestamp (a chunk's points; ``ChunkPoints/normalized(_:)`` makes any array so).
    ///
    /// A sum of readings with at most `s` decimals is itself a number with at most `s` decimals;
    /// floating-point addition can miss it by a few units in the last place (13805.310000000001).
    /// Each sum is rounded back to that decimal when the accumulated error is provably far below
    /// half a unit of its last decimal, so it is the exact sum, and it compresses like a reading.
    public static func summarise(_ points: [ChunkPoint]) -> [MinuteStats] {
        var result: [MinuteStats] = []
        var i = 0
        while i < points.count {
            let minute = minuteStart(points[i].ts)
            var j = i
            while j < points.count, minuteStart(points[j].ts) == minute { j += 1 }
            var stats = MinuteStats(minute: minute)
            for column in ChunkColumn.allCases {
                stats[column] = quantity(points[i..<j], column)
            }
            result.append(stats)
            i = j
        }
        return result
    }

    private static func quantity(_ points: ArraySlice<ChunkPoint>, _ column: ChunkColumn) -> QuantityStats? {
        var stats: QuantityStats?
        var scale = 0
        var exact = true
        var magnitude = 0.0
        var hint = 0
        for point in points {
            guard let value = point[column] else { continue }
            if exact, let decimal = DecimalScale.minimal(value, from: hint) {
                scale = Swift.max(scale, decimal.scale)
                hint = decimal.scale
            } else {
                exact = false
            }
            magnitude += abs(value)
            if var s = stats {
                s.count += 1
                s.sum += value
                s.min = Swift.min(s.min, value)
                s.max = Swift.max(s.max, value)
                s.last = value
                stats = s
            } else {
                stats = QuantityStats(count: 1, sum: value, min: value, max: value, last: value)
            }
        }
        guard var s = stats, exact, s.count > 1 else { return stats }
        // Each addition errs by at most half an ulp of the running sum, bounded by n·ε·Σ|x|.
        let errorBound = Double(s.count) * Double.ulpOfOne * magnitude
        if errorBound * DecimalScale.powers[scale] < 0.01, abs(s.sum) * DecimalScale.powers[scale] < 0x1p52 {
            s.sum = DecimalScale.value(DecimalScale.nearestInteger(s.sum * DecimalScale.powers[scale]), scale: scale)
        }
        return s
    }
}
