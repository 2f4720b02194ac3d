import HopProtocol

/// Alarm management (`alarms.*` in hub.yaml). docs/alarms.md.
public struct AlarmSettings: Sendable, Hashable {
    /// Keep alarms at all (raise them from events, scores, silence and the frequency judge).
    public var enabled = true
    /// Priority of each alarm type (`alarms.priority.<TYPE>`); types not listed are `medium`.
    public var priorities: [AlarmType: AlarmPriority] = [
        .feederTrip: .high, .commFail: .medium, .substationSilent: .high, .anomaly: .medium,
        .frequencyExcursion: .critical, .uflsWarning: .critical, .rocof: .critical,
    ]
    /// The longest an operator may shelve an alarm, seconds (`alarms.max_shelve_s`, default 8 h: a shift).
    public var maxShelveSeconds = 8 * 3600
    /// A substation with no reading for this many seconds raises SUBSTATION_SILENT
    /// (`alarms.silence_s`; 0 turns the check off).
    public var silenceSeconds = 300
    /// How often shelves are expired and silence is checked, seconds (`alarms.sweep_interval_s`).
    public var sweepIntervalSeconds = 10

    public init() {}

    public func priority(of type: AlarmType) -> AlarmPriority { priorities[type] ?? .medium }
}
