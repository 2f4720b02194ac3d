import Foundation

/// Counter-based deterministic randomness: every number is a pure function of the seed and a
/// few integer coordinates (stream, substation, feeder, step), never of call order.
///
/// This is what makes the simulator predictable: tests (and `truth`) can compute the value of any
/// register at any instant without replaying history. The mixer is SplitMix64's finaliser.
public struct SimRandom: Sendable, Hashable {
    /// The run's seed (`--seed`).
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// Named independent streams, so e.g. local frequency noise and load noise never share numbers.
    public enum Stream: UInt64, Sendable {
        case commonFrequency = 1
        case commonFrequencyFast = 2
        case localFrequency = 3
        case busVoltage = 4
        case voltageNoise = 5
        case feederRating = 6
        case powerFactor = 7
        case loadSlow = 8
        case loadFast = 9
        case loadJitter = 10
        case naturalExcursion = 11
        case feederClass = 12
        case commonFrequencyWhite = 13
        case customers = 14
    }

    /// 64 well-mixed bits for the given coordinates.
    public func bits(_ stream: Stream, _ a: Int64 = 0, _ b: Int64 = 0, _ c: Int64 = 0) -> UInt64 {
        var h = Self.mix(seed ^ 0x9E37_79B9_7F4A_7C15)
        h = Self.mix(h ^ stream.rawValue)
        h = Self.mix(h ^ UInt64(bitPattern: a))
        h = Self.mix(h ^ UInt64(bitPattern: b))
        h = Self.mix(h ^ UInt64(bitPattern: c))
        return h
    }

    /// A uniform number in [0, 1).
    public func uniform(_ stream: Stream, _ a: Int64 = 0, _ b: Int64 = 0, _ c: Int64 = 0) -> Double {
        Double(bits(stream, a, b, c) >> 11) * 0x1p-53
    }

    /// A standard normal number (Box–Muller over two independent uniforms).
    public func gaussian(_ stream: Stream, _ a: Int64 = 0, _ b: Int64 = 0, _ c: Int64 = 0) -> Double {
        let u1 = max(Double(bits(stream, a, b, c) >> 11) * 0x1p-53, 0x1p-53)
        let u2 = Double(Self.mix(bits(stream, a, b, c) ^ 0xD1B5_4A32_D192_ED03) >> 11) * 0x1p-53
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Smooth noise with unit-ish variance: normal values at integer knots of `x`, blended with a
    /// smoothstep between neighbours. Consecutive samples closer than one knot are correlated.
    public func smooth(_ stream: Stream, _ a: Int64, _ b: Int64, x: Double) -> Double {
        let k = floor(x)
        let t = x - k
        let w = t * t * (3 - 2 * t)
        let lo = gaussian(stream, a, b, Int64(k))
        let hi = gaussian(stream, a, b, Int64(k) + 1)
        // Rescale so the blend keeps roughly unit variance (the midpoint would otherwise shrink).
        let norm = ((1 - w) * (1 - w) + w * w).squareRoot()
        return ((1 - w) * lo + w * hi) / norm
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
