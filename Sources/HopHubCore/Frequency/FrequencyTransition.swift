import HopProtocol

/// A condition the frequency judge tracks per substation.
public enum FrequencyCondition: String, Sendable, Hashable, CaseIterable {
    /// Outside the alarm limits for at least the persistence.
    case excursionAlarm = "alarm"
    /// At or below the UFLS warning level for at least its persistence.
    case uflsWarning = "ufls_warning"
    /// |RoCoF| above the limit for at least the RoCoF persistence.
    case rocof

    /// The hub event type the condition is reported as.
    public var eventType: String {
        switch self {
        case .excursionAlarm, .uflsWarning: return FrequencyEventType.excursion
        case .rocof: return FrequencyEventType.rocof
        }
    }
}

/// Event types of the frequency judge's transitions.
public enum FrequencyEventType {
    public static let excursion = "FREQUENCY_EXCURSION"
    public static let rocof = "ROCOF"
}

/// A condition starting (after its persistence) or ending (at the first reading back within its limit).
public struct FrequencyTransition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case started, ended
    }

    /// Which side of the limit: below/falling or above/rising.
    public enum Direction: String, Sendable, Hashable {
        case low, high
    }

    public var substationID: SubstationID
    public var condition: FrequencyCondition
    public var kind: Kind
    public var direction: Direction
    /// Source time of the reading that decided the transition (epoch ms).
    public var ts: Int64
    /// Source time the condition's run began: the first reading outside the limit (for RoCoF, the
    /// start of the first interval over the limit).
    public var since: Int64
    /// The value at `ts`: Hz for excursions, Hz/s for RoCoF.
    public var value: Double
    /// The value furthest beyond the limit during the run so far.
    public var extreme: Double
    /// The limit crossed: Hz for excursions, Hz/s (positive) for RoCoF.
    public var limit: Double

    public init(
        substationID: SubstationID, condition: FrequencyCondition, kind: Kind, direction: Direction, ts: Int64, since: Int64,
        value: Double, extreme: Double, limit: Double
    ) {
        self.substationID = substationID
        self.condition = condition
        self.kind = kind
        self.direction = direction
        self.ts = ts
        self.since = since
        self.value = value
        self.extreme = extreme
        self.limit = limit
    }
}

/// A condition active when the hub stopped (its alarm still open), taken up by the judge at start.
public struct ActiveFrequencyCondition: Sendable, Hashable {
    public var substationID: SubstationID
    public var condition: FrequencyCondition
    public var direction: FrequencyTransition.Direction
    /// When the run began (source time, ms).
    public var since: Int64
    /// The value the alarm was raised with: Hz, or Hz/s for RoCoF.
    public var value: Double

    public init(
        substationID: SubstationID, condition: FrequencyCondition, direction: FrequencyTransition.Direction, since: Int64,
        value: Double
    ) {
        self.substationID = substationID
        self.condition = condition
        self.direction = direction
        self.since = since
        self.value = value
    }
}
