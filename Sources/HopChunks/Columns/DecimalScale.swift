/// Decimal representation of doubles: `value == Double(mantissa) / 10^scale`, bit for bit.
///
/// `Double(m) / 10^s` is exact-operand IEEE division (|m| ≤ 2^53 and 10^s for s ≤ 22 are exact
/// doubles), so it yields the double nearest to the real m/10^s. A value is representable at
/// scale s when that nearest double is the value itself, which is true for every double written
/// with at most s decimals (e.g. 229.87 at s ≥ 2). -0.0 is never representable (the quotient of
/// an integer 0 is +0.0).
enum DecimalScale {
    /// 10^0 … 10^maxDecimalScale, all exact doubles. Written out: a global of literals is
    /// initialised statically, where one built by a closure is reached through `swift_once` on
    /// every access (2.5 % of a compaction pass, measured).
    static let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18]

    /// The value of `mantissa` at `scale`.
    @inline(__always)
    static func value(_ mantissa: Int64, scale: Int) -> Double {
        Double(mantissa) / powers[scale]
    }

    /// The smallest scale representing `value` exactly, with its mantissa; nil if none does.
    static func minimal(_ value: Double) -> (scale: Int, mantissa: Int64)? {
        let limit = Double(ChunkFormat.maxMantissaMagnitude)
        for scale in 0...ChunkFormat.maxDecimalScale {
            let scaled = value * powers[scale]
            guard abs(scaled) <= limit else { return nil }
            let mantissa = nearestInteger(scaled)
            if Self.value(mantissa, scale: scale).bitPattern == value.bitPattern {
                return (scale, mantissa)
            }
        }
        return nil
    }

    /// ``minimal(_:)`` searched from scale `hint` (the previous value's scale, in a column whose
    /// values share their precision): usually two tries instead of one per scale from 0. The
    /// answer is always ``minimal(_:)``'s.
    ///
    /// While the scaled value stays below 2^50, rounding it errs by less than a quarter, so the
    /// test at a scale is exact: the value is representable there or not. Representability is
    /// monotonic (a value exact at scale s is exact at every scale above whose mantissa fits; both
    /// quotients are the correctly rounded value of the same rational), so from an exact `hint`
    /// the search goes down while exact, from an inexact one up until exact. Where a scaled value
    /// reaches 2^50 the plain search from scale 0 decides.
    static func minimal(_ value: Double, from hint: Int) -> (scale: Int, mantissa: Int64)? {
        switch fit(value, scale: hint) {
        case .exact(var mantissa):
            var scale = hint
            while scale > 0, case .exact(let lower) = fit(value, scale: scale - 1) {
                scale -= 1
                mantissa = lower
            }
            return (scale, mantissa)
        case .inexact:
            var scale = hint + 1
            while scale <= ChunkFormat.maxDecimalScale {
                switch fit(value, scale: scale) {
                case .exact(let mantissa): return (scale, mantissa)
                case .inexact: scale += 1
                case .untrusted: return minimal(value)
                }
            }
            return nil
        case .untrusted:
            return minimal(value)
        }
    }

    /// How `value` fits at one scale: exactly (with its mantissa), not, or not decidable by one
    /// rounding (the scaled value reaches 2^50, or is not finite).
    enum Fit {
        case exact(Int64)
        case inexact
        case untrusted
    }

    /// Scaled values below this round to their exact mantissa when there is one.
    private static let trustedMagnitude = 0x1p50

    @inline(__always)
    static func fit(_ value: Double, scale: Int) -> Fit {
        let scaled = value * powers[scale]
        guard abs(scaled) < trustedMagnitude else { return .untrusted }
        let mantissa = nearestInteger(scaled)
        return Self.value(mantissa, scale: scale).bitPattern == value.bitPattern ? .exact(mantissa) : .inexact
    }

    /// `x` (|x| ≤ 2^53) rounded to the nearest integer, without libm.
    @inline(__always)
    static func nearestInteger(_ x: Double) -> Int64 {
        let truncated = Int64(x)
        let fraction = x - Double(truncated)  // exact
        if fraction >= 0.5 { return truncated + 1 }
        if fraction <= -0.5 { return truncated - 1 }
        return truncated
    }

    /// 2^53 / 10^d for d = 0 … maxDecimalScale: the largest mantissa magnitude that can gain d digits.
    static let magnitudeLimits: [UInt64] = [
        9007199254740992, 900719925474099, 90071992547409, 9007199254740, 900719925474, 90071992547, 9007199254, 900719925,
        90071992, 9007199, 900719, 90071, 9007, 900, 90, 9, 0, 0, 0,
    ]

    /// The highest scale (≤ maxDecimalScale) at which `mantissa`, exact at `from`, stays within ±2^53.
    static func highestScale(_ mantissa: Int64, from: Int) -> Int {
        let magnitude = mantissa.magnitude
        var scale = ChunkFormat.maxDecimalScale
        while scale > from && magnitude > magnitudeLimits[scale - from] {
            scale -= 1
        }
        return scale
    }

    /// `mantissa` (exact at `from`) rescaled to `to` ≥ `from`, if it stays within ±2^53.
    static func rescale(_ mantissa: Int64, from: Int, to: Int) -> Int64? {
        var m = mantissa
        for _ in from..<to {
            let (product, overflow) = m.multipliedReportingOverflow(by: 10)
            guard !overflow, abs(product) <= ChunkFormat.maxMantissaMagnitude else { return nil }
            m = product
        }
        return m
    }
}
