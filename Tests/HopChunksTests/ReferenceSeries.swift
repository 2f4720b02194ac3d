import HopChunks

/// The reference dataset's shape for one feeder: 1 Hz readings with occasional jitter of a few ms
/// and occasional gaps; each quantity a mean-reverting random walk rounded to its usual precision
/// (voltage 229.87 kV, current 1187.4 A, power 274.21 MW, frequency 60.002 Hz).
struct ReferenceSeries {
    /// One quantity: a random walk with the given step (standard deviation per second), pulled
    /// back toward `mean` by `reversion` of the distance each second, rounded to `decimals`.
    struct Walk {
        var start: Double
        var mean: Double
        var step: Double
        var reversion: Double
        var decimals: Int
    }

    static let voltage = Walk(start: 229.87, mean: 230, step: 0.05, reversion: 1.0 / 600, decimals: 2)
    static let current = Walk(start: 1187.4, mean: 1100, step: 0.5, reversion: 1.0 / 900, decimals: 1)
    static let power = Walk(start: 274.21, mean: 270, step: 0.1, reversion: 1.0 / 900, decimals: 2)
    static let frequency = Walk(start: 60.002, mean: 60, step: 0.002, reversion: 1.0 / 60, decimals: 3)

    /// Fraction of readings whose source time is off the 1 s grid by 1–5 ms either way.
    static let jitterRate = 0.05
    /// Chance per second that the feeder goes silent for 5 s – 5 min.
    static let gapRate = 1.0 / 3_600

    /// `seconds` of readings from `startMs`, the walks' step sizes scaled by `stepScale`.
    static func feeder(seed: UInt64, startMs: Int64, seconds: Int, stepScale: Double = 1) -> [ChunkPoint] {
        var random = SplitMix64(seed: seed)
        let walks = [voltage, current, power, frequency]
        var values = walks.map(\.start)
        var points = [ChunkPoint]()
        points.reserveCapacity(seconds)
        var second = 0
        while second < seconds {
            for i in walks.indices {
                let w = walks[i]
                values[i] += -w.reversion * (values[i] - w.mean) + stepScale * w.step * random.gaussian()
            }
            if random.chance(gapRate) {
                second += 5 + Int(random.unit() * 295)
                continue
            }
            var ts = startMs + Int64(second) * 1_000
            if random.chance(jitterRate) {
                let ms = Int64(1 + random.unit() * 5)
                ts += random.chance(0.5) ? ms : -ms
            }
            let rounded = zip(walks, values).map { w, v in round(v, decimals: w.decimals) }
            points.append(ChunkPoint(
                ts: ts, voltageKV: rounded[0], currentA: rounded[1], powerMW: rounded[2], frequencyHz: rounded[3]))
            second += 1
        }
        return points
    }

    /// `value` rounded to `decimals` places: the double nearest to the decimal, as parsed from text.
    static func round(_ value: Double, decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = value * scale
        guard abs(scaled) < 0x1p52 else { return value }  // already an integer at this scale
        var integer = Int64(scaled)  // truncates; rounding by hand keeps the tests free of libm
        let fraction = scaled - Double(integer)
        if fraction >= 0.5 { integer += 1 } else if fraction <= -0.5 { integer -= 1 }
        return Double(integer) / scale
    }
}
