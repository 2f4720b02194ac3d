import Testing

@testable import HopChunks

/// The decimal-scale search seeded with the previous value's scale finds what the plain search
/// from scale 0 finds, whatever the seed: for decimals of every precision, values near the
/// mantissa limit (where one rounding no longer decides), extremes and random bit patterns.
@Suite struct DecimalScaleTests {
    static func values() -> [Double] {
        var random = SplitMix64(seed: 0xDEC1)
        var values: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.2, 0.3, 229.87, 60.001, 1e15, 1e16, 9_007_199_254_740_992, 9_007_199_254_740_993,
            1_125_899_906_842_623, 1_125_899_906_842_624, 0.000_000_000_000_000_001, 5e-324, .greatestFiniteMagnitude,
            .infinity, -.infinity, .nan, 1.0 / 3, 123_456_789.123_456_78, 12_345_678.901_234_567,
        ]
        for _ in 0..<20_000 {
            let scale = Int(random.next() % 19)
            let digits = Int64(random.next() % UInt64(1 << 53)) >> Int64(random.next() % 53)
            let sign: Double = random.next() % 2 == 0 ? 1 : -1
            values.append(sign * Double(digits) / DecimalScale.powers[scale])
            values.append(Double(bitPattern: random.next()))
            values.append((229.0 + Double(random.next() % 100_000) / 100).nextUp)
        }
        return values
    }

    @Test func seededSearchFindsThePlainSearchsScale() {
        var checked = 0
        for value in Self.values() {
            let plain = DecimalScale.minimal(value)
            for hint in 0...ChunkFormat.maxDecimalScale {
                let seeded = DecimalScale.minimal(value, from: hint)
                if seeded?.scale != plain?.scale || seeded?.mantissa != plain?.mantissa {
                    Issue.record("\(value) from scale \(hint): \(String(describing: seeded)), plain search \(String(describing: plain))")
                    return
                }
                checked += 1
            }
        }
        #expect(checked > 1_000_000)
    }

    /// The tables written out as literals are 10^0…10^18 and 2^53 / 10^d.
    @Test func literalTablesAreTheirDefinitions() {
        #expect(DecimalScale.powers.count == ChunkFormat.maxDecimalScale + 1)
        var power: Double = 1
        for d in 0...ChunkFormat.maxDecimalScale {
            #expect(DecimalScale.powers[d] == power)
            #expect(DecimalScale.magnitudeLimits[d] == UInt64(ChunkFormat.maxMantissaMagnitude) / UInt64(power))
            power *= 10
        }
    }
}
