/// What raised an alarm. The hub raises `FEEDER_TRIP`, `COMM_FAIL`, `SUBSTATION_SILENT` and
/// `ANOMALY` itself; `FREQUENCY_EXCURSION`, `UFLS_WARNING` and `ROCOF` come from the frequency judge. A plain string
/// on the wire, so a newer hub's types still decode.
public struct AlarmType: WireIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let feederTrip: AlarmType = "FEEDER_TRIP"
    public static let commFail: AlarmType = "COMM_FAIL"
    public static let substationSilent: AlarmType = "SUBSTATION_SILENT"
    public static let anomaly: AlarmType = "ANOMALY"
    public static let frequencyExcursion: AlarmType = "FREQUENCY_EXCURSION"
    public static let uflsWarning: AlarmType = "UFLS_WARNING"
    public static let rocof: AlarmType = "ROCOF"

    /// Every type the hub knows, in the order documents list them.
    public static let known: [AlarmType] = [feederTrip, commFail, substationSilent, anomaly, frequencyExcursion, uflsWarning, rocof]
}

/// An alarm's state (ISA-18.2 / IEC 62682 state model). `cleared` is final: the next raise of the
/// same condition is a new alarm.
public enum AlarmState: String, Codable, Sendable, Hashable, CaseIterable {
    /// Condition active, not yet acknowledged (annunciated, flashing).
    case unacknowledgedActive = "unacknowledged_active"
    /// Condition active, acknowledged by an operator.
    case acknowledgedActive = "acknowledged_active"
    /// Condition gone, never acknowledged.
    case returnedUnacknowledged = "returned_unacknowledged"
    /// Condition gone and acknowledged: the alarm is over.
    case cleared
    /// Hidden by an operator until a time, with a reason; raises and returns are recorded, not annunciated.
    case shelved
    /// Taken out of service (maintenance): not annunciated until returned to service.
    case outOfService = "out_of_service"
}

/// How urgently an operator must respond. Ordered most urgent first.
public enum AlarmPriority: String, Codable, Sendable, Hashable, CaseIterable, Comparable {
    case critical, high, medium, low

    public var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: AlarmPriority, rhs: AlarmPriority) -> Bool { lhs.rank < rhs.rank }
}

/// One alarm (`GET /api/alarms` items, `alarm` live events). docs/alarms.md.
public struct Alarm: Codable, Sendable, Hashable {
    /// Assigned by the store; 0 before the alarm is first stored.
    public var id: Int64
    public var type: AlarmType
    public var substationID: SubstationID
    /// The feeder for feeder alarms (FEEDER_TRIP); nil otherwise.
    public var feederID: FeederID?
    /// The device for device alarms (COMM_FAIL); nil otherwise.
    public var deviceID: DeviceID?
    public var priority: AlarmPriority
    public var state: AlarmState
    /// Whether the condition behind the alarm is present (kept while shelved or out of service).
    public var active: Bool
    /// Source time of the first raise.
    public var raisedAt: SourceTime
    /// Source time of the latest raise.
    public var lastRaisedAt: SourceTime
    /// Raises of this alarm, the first included (a chattering point counts up here).
    public var raiseCount: Int
    /// When the condition last returned to normal.
    public var returnedAt: SourceTime?
    public var acknowledgedAt: SourceTime?
    public var acknowledgedBy: String?
    public var acknowledgeComment: String?
    public var clearedAt: SourceTime?
    public var shelvedUntil: SourceTime?
    public var shelvedBy: String?
    public var shelveReason: String?
    public var outOfServiceBy: String?
    public var outOfServiceReason: String?
    /// The measured value of the latest raise, when the source has one (score, Hz, Hz/s).
    public var value: Double?
    /// What the latest raise said.
    public var message: String
    /// When anything about the alarm last changed (hub time).
    public var updatedAt: SourceTime

    public init(
        id: Int64 = 0, type: AlarmType, substationID: SubstationID, feederID: FeederID? = nil, deviceID: DeviceID? = nil,
        priority: AlarmPriority, state: AlarmState = .unacknowledgedActive, active: Bool = true, raisedAt: SourceTime,
        value: Double? = nil, message: String, updatedAt: SourceTime
    ) {
        self.id = id
        self.type = type
        self.substationID = substationID
        self.feederID = feederID
        self.deviceID = deviceID
        self.priority = priority
        self.state = state
        self.active = active
        self.raisedAt = raisedAt
        self.lastRaisedAt = raisedAt
        self.raiseCount = 1
        self.value = value
        self.message = message
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, type, priority, state, active, value, message
        case substationID = "substation_id"
        case feederID = "feeder_id"
        case deviceID = "device_id"
        case raisedAt = "raised_at"
        case lastRaisedAt = "last_raised_at"
        case raiseCount = "raise_count"
        case returnedAt = "returned_at"
        case acknowledgedAt = "acknowledged_at"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgeComment = "acknowledge_comment"
        case clearedAt = "cleared_at"
        case shelvedUntil = "shelved_until"
        case shelvedBy = "shelved_by"
        case shelveReason = "shelve_reason"
        case outOfServiceBy = "out_of_service_by"
        case outOfServiceReason = "out_of_service_reason"
        case updatedAt = "updated_at"
    }
}

/// One recorded transition of an alarm (`GET /api/alarms/{id}` history).
public struct AlarmHistoryEntry: Codable, Sendable, Hashable {
    /// `raised`, `reraised`, `returned`, `acknowledged`, `shelved`, `unshelved`, `shelf_expired`,
    /// `removed_from_service`, `returned_to_service`.
    public var event: String
    public var at: SourceTime
    /// The state after the transition.
    public var state: AlarmState
    /// The operator's email; nil for the hub's own transitions.
    public var actor: String?
    public var comment: String?

    public init(event: String, at: SourceTime, state: AlarmState, actor: String? = nil, comment: String? = nil) {
        self.event = event
        self.at = at
        self.state = state
        self.actor = actor
        self.comment = comment
    }
}
