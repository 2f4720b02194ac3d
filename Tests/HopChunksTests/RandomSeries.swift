import HopChunks

/// Random and adversarial point series for property tests.
enum RandomSeries {
    /// Doubles that stress the codec: extremes, subnormals, signed zeros, values that are not
    /// short decimals.
    static let adversarialValues: [Double] = [
        0, -0.0, 1, -1, 1e308, -1e308, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, -.leastNormalMagnitude,
        0.1 + 0.2, 1.0 / 3, 9_007_199_254_740_994, 9_007_199_254_740_992, -9_007_199_254_740_992,
        123_456_789.123_456_79, 1e-18, 1e-19, 0x1p-1070, 1e22, 1e23, .pi, 229.87, 60.002, 0.000_001,
    ]

    /// A strictly increasing timestamp series of `count` points in one of several shapes.
    static func timestamps(_ count: Int, using random: inout SplitMix64) -> [Int64] {
        let shape = random.next() % 6
        var t: Int64
        switch shape {
        case 0: t = Int64.min + Int64(random.next() % 1_000)  // start of the range
        case 1: t = -Int64(random.next() % 10_000_000_000_000)  // before 1970
        case 2: t = Int64.max - Int64(count) * 2 - Int64(random.next() % 1_000)  // end of the range
        default: t = 1_700_000_000_000 + Int64(random.next() % 1_000_000)
        }
        var out = [Int64]()
        out.reserveCapacity(count)
        for i in 0..<count {
            if i > 0 {
                let step: Int64
                switch shape {
                case 2: step = 1 + Int64(random.next() % 2)
                case 3: step = 1 + Int64(random.next() % 1_000_000_000)  // anything
                case 4: step = random.chance(0.01) ? 3_600_000 * Int64(1 + random.next() % 48) : 1_000  // hour gaps
                default: step = 1_000 + (random.chance(0.1) ? Int64(random.next() % 11) - 5 : 0)  // jitter
                }
                t = t + step
            }
            out.append(t)
        }
        return out
    }

    /// A column of `count` values, absent in a random pattern, in one of several value shapes.
    static func column(_ count: Int, using random: inout SplitMix64) -> [Double?] {
        let presence = random.next() % 5  // all, none, random, runs, mostly present
        let kind = random.next() % 7
        var decimals = Int(random.next() % 8)
        var level = Double(Int64(random.next() % 2_000_001) - 1_000_000) / 100
        var present = true
        var out = [Double?]()
        out.reserveCapacity(count)
        for _ in 0..<count {
            switch presence {
            case 0: present = true
            case 1: present = false
            case 2: present = random.chance(0.5)
            case 3: if random.chance(0.02) { present.toggle() }
            default: present = !random.chance(0.01)
            }
            let value: Double
            switch kind {
            case 0:  // any finite bit pattern
                var v = Double(bitPattern: random.next())
                while !v.isFinite { v = Double(bitPattern: random.next()) }
                value = v
            case 1:  // adversarial mix
                value = adversarialValues[Int(random.next() % UInt64(adversarialValues.count))]
            case 2:  // constant
                value = level
            case 3:  // decimal random walk, sometimes with an odd value
                level += random.gaussian() * 3
                value = random.chance(0.01)
                    ? adversarialValues[Int(random.next() % UInt64(adversarialValues.count))]
                    : ReferenceSeries.round(level, decimals: decimals)
            case 4:  // integers of any size
                value = Double(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
            case 5:  // many decimals
                decimals = 12 + Int(random.next() % 7)
                value = ReferenceSeries.round(random.unit() * 1_000, decimals: decimals)
            default:  // steps: a breaker opening and closing
                if random.chance(0.01) { level = level == 0 ? 1187.4 : 0 }
                value = level
            }
            out.append(present ? value : nil)
        }
        return out
    }

    /// A random valid series of `count` points.
    static func points(_ count: Int, using random: inout SplitMix64) -> [ChunkPoint] {
        let ts = timestamps(count, using: &random)
        let columns = ChunkColumn.allCases.map { _ in column(count, using: &random) }
        return ts.indices.map { i in
            ChunkPoint(
                ts: ts[i], voltageKV: columns[0][i], currentA: columns[1][i], powerMW: columns[2][i],
                frequencyHz: columns[3][i])
        }
    }
}
