import HopProtocol

/// Identifies the one open alarm a condition may have: type, substation and point (the feeder of
/// a feeder alarm, the device of a device alarm, empty for substation alarms).
public struct AlarmKey: Sendable, Hashable, CustomStringConvertible {
    public var type: AlarmType
    public var substationID: SubstationID
    public var point: String

    public init(type: AlarmType, substationID: SubstationID, point: String = "") {
        self.type = type
        self.substationID = substationID
        self.point = point
    }

    public var description: String { point.isEmpty ? "\(type) \(substationID)" : "\(type) \(substationID)/\(point)" }
}

/// A stored transition: the alarm after it, and its history row.
public struct AlarmChange: Sendable, Hashable {
    public var alarm: Alarm
    public var entry: AlarmHistoryEntry
    /// Whether the transition created the alarm.
    public var created: Bool
    /// Whether the raise was annunciated (not shelved or out of service); false for other transitions.
    public var annunciated: Bool

    public init(alarm: Alarm, entry: AlarmHistoryEntry, created: Bool = false, annunciated: Bool = false) {
        self.alarm = alarm
        self.entry = entry
        self.created = created
        self.annunciated = annunciated
    }
}

/// Which alarms `AlarmStore.alarms` returns, most urgent then newest first.
public struct AlarmFilter: Sendable, Hashable {
    public var scope: SubstationScope
    /// Any of these states; empty: every state but `cleared`.
    public var states: Set<AlarmState> = []
    /// Any of these priorities; empty: all.
    public var priorities: Set<AlarmPriority> = []
    public var substation: SubstationID?
    public var limit = 500

    public init(scope: SubstationScope, states: Set<AlarmState> = [], priorities: Set<AlarmPriority> = [],
                substation: SubstationID? = nil, limit: Int = 500) {
        self.scope = scope
        self.states = states
        self.priorities = priorities
        self.substation = substation
        self.limit = limit
    }
}

/// One raise as the KPIs count it.
public struct AlarmRaise: Sendable, Hashable {
    public var alarmID: Int64
    public var type: AlarmType
    public var substationID: SubstationID
    public var point: String
    public var at: Int64
    public var annunciated: Bool
    public var priority: AlarmPriority

    public init(alarmID: Int64, type: AlarmType, substationID: SubstationID, point: String, at: Int64, annunciated: Bool,
                priority: AlarmPriority) {
        self.alarmID = alarmID
        self.type = type
        self.substationID = substationID
        self.point = point
        self.at = at
        self.annunciated = annunciated
        self.priority = priority
    }
}

/// Unknown alarm ids, refused before anything changes.
public struct AlarmNotFound: Error, Sendable, Hashable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}

/// Stored alarms. Each change is one transaction (read, transition, write alarm and history), so
/// two hub processes sharing a database cannot both change one alarm from the same state.
public protocol AlarmStore: Sendable {
    /// Reads the open (not cleared) alarm of `key`, nil when none, and stores what `change`
    /// returns (nil: nothing changes). A new alarm (id 0) is inserted and given an id.
    func changeOpenAlarm(_ key: AlarmKey, _ change: @escaping @Sendable (Alarm?) throws -> AlarmChange?) async throws -> AlarmChange?
    /// Applies `change` to every alarm of `ids` in one transaction: all or none. Throws
    /// `AlarmNotFound` for an unknown id, or what `change` throws.
    func changeAlarms(ids: [Int64], _ change: @escaping @Sendable (Alarm) throws -> AlarmChange) async throws -> [AlarmChange]
    func alarms(_ filter: AlarmFilter) async throws -> [Alarm]
    func alarm(id: Int64) async throws -> Alarm?
    /// The alarm's transitions, oldest first.
    func alarmHistory(id: Int64) async throws -> [AlarmHistoryEntry]
    /// Ids of shelved alarms whose shelf ends at or before `now`.
    func expiredShelves(now: Int64) async throws -> [Int64]
    /// Keys of open alarms of `type` whose condition is active.
    func activeAlarmKeys(type: AlarmType) async throws -> [AlarmKey]
    /// Raises since `since` (ms), oldest first, in `scope`.
    func alarmRaises(since: Int64, scope: SubstationScope) async throws -> [AlarmRaise]
    /// Alarms acknowledged since `since`: their first raise and acknowledgement times (ms).
    func acknowledgements(since: Int64, scope: SubstationScope) async throws -> [(raisedAt: Int64, acknowledgedAt: Int64)]
    /// Each known substation's newest reading (source time, ms).
    func substationsLastSeen() async throws -> [SubstationID: Int64]
}
