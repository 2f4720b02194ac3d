/// The four telemetry quantities, each optional (a device may not report all of them).
public struct MetricValues: Codable, Hashable, Sendable {
    public var voltageKV: Double?
    public var currentA: Double?
    public var powerMW: Double?
    public var frequencyHz: Double?

    public init(voltageKV: Double? = nil, currentA: Double? = nil, powerMW: Double? = nil, frequencyHz: Double? = nil) {
        self.voltageKV = voltageKV
        self.currentA = currentA
        self.powerMW = powerMW
        self.frequencyHz = frequencyHz
    }

    enum CodingKeys: String, CodingKey {
        case voltageKV = "voltage_kv"
        case currentA = "current_a"
        case powerMW = "power_mw"
        case frequencyHz = "frequency_hz"
    }
}
