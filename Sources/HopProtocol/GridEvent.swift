/// A discrete grid event (the seed's `scada_events`): a feeder trip, a restore, a comm failure.
///
/// `substation_id` is our extension; when absent the hub derives it (see docs/api.md, "Which
/// substation a record belongs to").
public struct GridEvent: Codable, Hashable, Sendable {
    public var substationID: SubstationID?
    public var deviceID: DeviceID?
    public var feederID: FeederID?
    public var severity: String
    public var eventType: String
    public var oldState: String?
    public var newState: String?
    public var message: String?
    public var latitude: Double?
    public var longitude: Double?
    public var ts: SourceTime?

    public init(
        substationID: SubstationID? = nil, deviceID: DeviceID? = nil, feederID: FeederID? = nil,
        severity: String, eventType: String, oldState: String? = nil, newState: String? = nil,
        message: String? = nil, latitude: Double? = nil, longitude: Double? = nil, ts: SourceTime? = nil
    ) {
        self.substationID = substationID
        self.deviceID = deviceID
        self.feederID = feederID
        self.severity = severity
        self.eventType = eventType
        self.oldState = oldState
        self.newState = newState
        self.message = message
        self.latitude = latitude
        self.longitude = longitude
        self.ts = ts
    }

    enum CodingKeys: String, CodingKey {
        case substationID = "substation_id"
        case deviceID = "device_id"
        case feederID = "feeder_id"
        case severity
        case eventType = "event_type"
        case oldState = "old_state"
        case newState = "new_state"
        case message, latitude, longitude, ts
    }
}

/// Event types and severities the product itself produces and reacts to.
public enum GridEventType {
    public static let feederTrip = "FEEDER_TRIP"
    public static let feederRestore = "FEEDER_RESTORE"
    public static let commFail = "COMM_FAIL"
    public static let commRestored = "COMM_RESTORED"
}

public enum GridEventSeverity {
    public static let info = "INFO"
    public static let warning = "WARNING"
    public static let alarm = "ALARM"
}
