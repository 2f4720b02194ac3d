/// How readings are laid out on the wire, exactly as `edge-configs/profiles/hop-sim-feeder.yaml`:
/// feeder k's holding registers start at `20*k` (+0 voltage_kv, +2 current_a, +4 power_mw,
/// +6 frequency_hz, float32 big-endian, high word first) and its breaker is coil `k` (1 = closed).
public enum RegisterImage {
    /// Holding registers reserved per feeder.
    public static let registersPerFeeder = 20
    /// Offsets of the four analogs inside a feeder's block.
    public static let voltageOffset = 0
    public static let currentOffset = 2
    public static let powerOffset = 4
    public static let frequencyOffset = 6

    /// The holding-register image of a substation.
    public static func registers(_ feeders: [FeederReading]) -> [UInt16] {
        var out = [UInt16](repeating: 0, count: registersPerFeeder * feeders.count)
        for (k, r) in feeders.enumerated() {
            let base = registersPerFeeder * k
            put(r.voltageKV, into: &out, at: base + voltageOffset)
            put(r.currentA, into: &out, at: base + currentOffset)
            put(r.powerMW, into: &out, at: base + powerOffset)
            put(r.frequencyHz, into: &out, at: base + frequencyOffset)
        }
        return out
    }

    /// The coil image: 1 where the breaker is closed.
    public static func coils(_ feeders: [FeederReading]) -> [UInt8] {
        feeders.map { $0.breakerClosed ? 1 : 0 }
    }

    /// Writes `value` as float32 ABCD (high word first) into two registers.
    public static func put(_ value: Double, into registers: inout [UInt16], at index: Int) {
        let bits = Float(value).bitPattern
        registers[index] = UInt16(truncatingIfNeeded: bits >> 16)
        registers[index + 1] = UInt16(truncatingIfNeeded: bits)
    }

    /// Reads a float32 ABCD from two registers (for tests and tools).
    public static func float(_ registers: [UInt16], at index: Int) -> Float {
        Float(bitPattern: UInt32(registers[index]) << 16 | UInt32(registers[index + 1]))
    }
}
