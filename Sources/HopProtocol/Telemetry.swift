/// One reading of a feeder: the seed's `scada_grid` measurement, field names unchanged.
///
/// The seed's example body is accepted verbatim. `ts` is our extension: the source time of the
/// reading (buffered data keeps its original time); without it the hub stamps arrival time.
public struct Telemetry: Codable, Hashable, Sendable {
    public var substationID: SubstationID
    public var feederID: FeederID?
    public var deviceID: DeviceID?
    public var siteName: String?
    public var latitude: Double?
    public var longitude: Double?
    public var voltageKV: Double?
    public var currentA: Double?
    public var powerMW: Double?
    public var frequencyHz: Double?
    public var ts: SourceTime?

    public init(
        substationID: SubstationID, feederID: FeederID? = nil, deviceID: DeviceID? = nil,
        siteName: String? = nil, latitude: Double? = nil, longitude: Double? = nil,
        voltageKV: Double? = nil, currentA: Double? = nil, powerMW: Double? = nil,
        frequencyHz: Double? = nil, ts: SourceTime? = nil
    ) {
        self.substationID = substationID
        self.feederID = feederID
        self.deviceID = deviceID
        self.siteName = siteName
        self.latitude = latitude
        self.longitude = longitude
        self.voltageKV = voltageKV
        self.currentA = currentA
        self.powerMW = powerMW
        self.frequencyHz = frequencyHz
        self.ts = ts
    }

    enum CodingKeys: String, CodingKey {
        case substationID = "substation_id"
        case feederID = "feeder_id"
        case deviceID = "device_id"
        case siteName = "site_name"
        case latitude, longitude
        case voltageKV = "voltage_kv"
        case currentA = "current_a"
        case powerMW = "power_mw"
        case frequencyHz = "frequency_hz"
        case ts
    }
}
