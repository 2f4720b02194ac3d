import HopDNP3

/// Where a substation's values sit in its outstation's point list (docs/sim.md, "DNP3"). For
/// feeder *k*: binary input *k* is the breaker (1 = closed); analog inputs 4k…4k+3 are voltage_kv,
/// current_a, power_mw and frequency_hz, as 32-bit floats (g30v5).
enum DNP3PointMap {
    /// Analog inputs per feeder.
    static let analogsPerFeeder = 4

    /// The breakers, binary inputs 0…F−1.
    static func binaries(_ truth: SubstationTruth) -> [BinaryPoint] {
        truth.feeders.map { BinaryPoint(state: $0.breakerClosed) }
    }

    /// The measurements, analog inputs 0…4F−1.
    static func analogs(_ truth: SubstationTruth) -> [AnalogPoint] {
        truth.feeders.flatMap { f in
            [f.voltageKV, f.currentA, f.powerMW, f.frequencyHz].map { AnalogPoint(value: Float($0)) }
        }
    }
}
