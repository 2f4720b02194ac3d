/// The four value columns of a chunk, in the order their sections appear in the format.
public enum ChunkColumn: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// `voltage_kv`
    case voltageKV = 0
    /// `current_a`
    case currentA = 1
    /// `power_mw`
    case powerMW = 2
    /// `frequency_hz`
    case frequencyHz = 3

    /// The column's name as in the telemetry table.
    public var description: String {
        switch self {
        case .voltageKV: "voltage_kv"
        case .currentA: "current_a"
        case .powerMW: "power_mw"
        case .frequencyHz: "frequency_hz"
        }
    }
}
