/// `GET /api/query/telemetry/latest`: the newest reading of each feeder seen in the last minute.
public struct LatestReading: Codable, Hashable, Sendable {
    public var time: SourceTime
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

    public init(
        time: SourceTime, substationID: SubstationID, feederID: FeederID?, deviceID: DeviceID?, siteName: String?,
        latitude: Double?, longitude: Double?, values: MetricValues
    ) {
        self.time = time
        self.substationID = substationID
        self.feederID = feederID
        self.deviceID = deviceID
        self.siteName = siteName
        self.latitude = latitude
        self.longitude = longitude
        self.voltageKV = values.voltageKV
        self.currentA = values.currentA
        self.powerMW = values.powerMW
        self.frequencyHz = values.frequencyHz
    }

    enum CodingKeys: String, CodingKey {
        case time
        case substationID = "substation_id"
        case feederID = "feeder_id"
        case deviceID = "device_id"
        case siteName = "site_name"
        case latitude, longitude
        case voltageKV = "voltage_kv"
        case currentA = "current_a"
        case powerMW = "power_mw"
        case frequencyHz = "frequency_hz"
    }
}
