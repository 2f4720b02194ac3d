/// Mean and population standard deviation of a scoring window, computed so that rounding cannot
/// invent variation.
///
/// The textbook form, mean = Σx/N then Σ(x − mean)²/N, fails on a flat window: 20 × 59.99 sums to
/// a value whose quotient by 20 is not 59.99 in binary floating point, every deviation becomes
/// ±7e-15, and z = (latest − mean)/std comes out as ±1 (ELEVATED) for data that never moved.
/// Here every value is first taken relative to a reference, the latest reading: x − latest is
/// exact for values within a factor of two of it (Sterbenz's lemma), so equal readings give
/// deviations of exactly 0 and a flat window a std of exactly 0, whatever its level. The
/// deviations are then scaled by a power of two (exact) so that squaring them neither overflows
/// near 1e308 nor underflows near 1e-308.
struct WindowStats: Sendable, Hashable {
    /// Below this fraction of the window's largest magnitude, a spread is not a signal: a window
    /// whose std is smaller counts as flat (z = 0). Double rounding in these sums is ~1e-15 of the
    /// magnitude (N ulps at most, N ≤ 1,000), so 1e-9 is far above any arithmetic noise, and far
    /// below what a measurement resolves: a frequency meter resolves ~0.1 mHz at 60 Hz (1.7e-6) and
    /// a float32 register ~6e-8 of its value. A true excursion is always well above it.
    static let flatFraction = 1e-9

    var mean: Double
    var std: Double
    /// z of `latest` (the window's last value); 0 for a flat or nearly flat window.
    var latestZ: Double

    /// The statistics of `values` (oldest first; the last is the latest), or nil when there are
    /// none or one is not finite.
    init?(_ values: [Double]) {
        guard let latest = values.last, values.allSatisfy(\.isFinite) else { return nil }
        let n = Double(values.count)
        // Halve everything when a difference could overflow (values beyond ±8.9e307); exact.
        let half = values.contains { abs($0) > .greatestFiniteMagnitude / 4 }
        let pre: Double = half ? 0.5 : 1
        let deviations = values.map { $0 * pre - latest * pre }
        let largest = deviations.map(abs).max() ?? 0
        guard largest > 0 else {
            self.init(mean: latest, std: 0, latestZ: 0)
            return
        }
        let scale = Double(sign: .plus, exponent: largest.exponent, significand: 1)
        let scaled = deviations.map { $0 / scale }
        let meanScaled = scaled.reduce(0, +) / n
        let varianceScaled = scaled.reduce(0) { $0 + ($1 - meanScaled) * ($1 - meanScaled) } / n
        let stdScaled = varianceScaled.squareRoot()
        let mean = latest + meanScaled * scale / pre
        let std = stdScaled * scale / pre
        let magnitude = values.map(abs).max() ?? 0
        let flat = stdScaled == 0 || std <= Self.flatFraction * magnitude
        self.init(mean: mean, std: std, latestZ: flat ? 0 : (0 - meanScaled) / stdScaled)
    }

    private init(mean: Double, std: Double, latestZ: Double) {
        self.mean = mean
        self.std = std
        self.latestZ = latestZ
    }
}
