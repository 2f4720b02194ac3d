import HopProtocol

/// What one feeder's sensors show at an instant (the simulator's ground truth).
public struct FeederReading: Sendable, Hashable, Codable {
    public var feederID: FeederID
    public var deviceID: DeviceID
    /// The feeder's daily load shape.
    public var loadClass: LoadCurve.FeederClass
    public var breakerClosed: Bool
    public var voltageKV: Double
    public var currentA: Double
    public var powerMW: Double
    public var frequencyHz: Double

    enum CodingKeys: String, CodingKey {
        case feederID = "feeder_id"
        case deviceID = "device_id"
        case loadClass = "load_class"
        case breakerClosed = "breaker_closed"
        case voltageKV = "voltage_kv"
        case currentA = "current_a"
        case powerMW = "power_mw"
        case frequencyHz = "frequency_hz"
    }
}

/// One substation at an instant: the answer to the control command `truth`.
public struct SubstationTruth: Sendable, Hashable, Codable {
    public var substationID: SubstationID
    public var siteName: String
    public var latitude: Double
    public var longitude: Double
    public var unitID: Int
    /// The instant asked about, epoch milliseconds.
    public var atMs: Int64
    /// The model time step that instant falls in (`atMs / stepMs`, rounded down).
    public var step: Int64
    /// Whether the RTU ignores requests at that instant.
    public var silent: Bool
    public var frequencyHz: Double
    public var feeders: [FeederReading]

    enum CodingKeys: String, CodingKey {
        case substationID = "substation_id"
        case siteName = "site_name"
        case latitude, longitude
        case unitID = "unit_id"
        case atMs = "at_ms"
        case step, silent
        case frequencyHz = "frequency_hz"
        case feeders
    }
}
