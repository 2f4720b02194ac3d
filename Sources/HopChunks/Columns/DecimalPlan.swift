/// How a column's present values split into decimal mantissas at one shared scale and
/// exceptions stored as raw bits.
struct DecimalPlan {
    /// Shared scale: value = mantissa / 10^scale.
    var scale: Int
    /// Mantissas of the non-exception values, in order.
    var mantissas: [Int64]
    /// Indexes (among present values) of the values stored as raw bits, ascending.
    var exceptionIndexes: [Int]
    /// Raw IEEE-754 bits of those values.
    var exceptionBits: [UInt64]

    /// Estimated bits per extra decimal digit of every mantissa, and per exception.
    private static let bitsPerDigit = 3.33
    private static let bitsPerException = 80.0

    /// Chooses the scale that minimises (exceptions × 80 bits + mantissas × 3.33 bits per digit):
    /// normally the smallest scale representing every value; a rare value needing many more
    /// digits (or none: -0.0, 1e308, 5e-324) becomes an exception instead of widening the column.
    /// Returns nil when no value is representable.
    init?(values: [Double]) {
        let maxScale = ChunkFormat.maxDecimalScale
        // Each value is representable on a range of scales: from its minimal scale up to where the
        // rescaled mantissa would pass ±2^53. Count, per scale, how many values are not.
        // A column's values share their precision: each search starts from the previous scale.
        var hint = 0
        let minimal = values.map { value in
            let found = DecimalScale.minimal(value, from: hint)
            if let found { hint = found.scale }
            return found
        }
        var coverage = [Int](repeating: 0, count: maxScale + 2)
        for m in minimal {
            guard let m else { continue }
            coverage[m.scale] += 1
            coverage[DecimalScale.highestScale(m.mantissa, from: m.scale) + 1] -= 1
        }
        var best = (scale: -1, cost: Double.infinity)
        var covered = 0
        for scale in 0...maxScale {
            covered += coverage[scale]
            let cost = Double(values.count - covered) * Self.bitsPerException
                + Double(covered) * Double(scale) * Self.bitsPerDigit
            if covered > 0 && cost < best.cost { best = (scale, cost) }
        }
        guard best.scale >= 0 else { return nil }
        scale = best.scale
        mantissas = []
        mantissas.reserveCapacity(values.count)
        exceptionIndexes = []
        exceptionBits = []
        for (i, m) in minimal.enumerated() {
            if let m, m.scale <= scale, let rescaled = DecimalScale.rescale(m.mantissa, from: m.scale, to: scale),
                DecimalScale.value(rescaled, scale: scale).bitPattern == values[i].bitPattern
            {
                mantissas.append(rescaled)
            } else {
                exceptionIndexes.append(i)
                exceptionBits.append(values[i].bitPattern)
            }
        }
        if mantissas.isEmpty { return nil }
    }
}
