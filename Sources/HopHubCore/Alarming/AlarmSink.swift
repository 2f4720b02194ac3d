import HopProtocol

/// A condition as a source reports it: what, where, when (source time, ms), the measured value
/// and a sentence for the operator.
public struct AlarmCondition: Sendable, Hashable {
    public var type: AlarmType
    public var substationID: SubstationID
    public var feederID: FeederID?
    public var deviceID: DeviceID?
    /// Source time of the raise or return, milliseconds since the epoch.
    public var at: Int64
    public var value: Double?
    public var message: String

    public init(
        type: AlarmType, substationID: SubstationID, feederID: FeederID? = nil, deviceID: DeviceID? = nil, at: Int64,
        value: Double? = nil, message: String
    ) {
        self.type = type
        self.substationID = substationID
        self.feederID = feederID
        self.deviceID = deviceID
        self.at = at
        self.value = value
        self.message = message
    }

    /// The open alarm this condition raises or returns: the feeder, else the device, else the substation.
    public var key: AlarmKey {
        AlarmKey(type: type, substationID: substationID, point: feederID?.rawValue ?? deviceID?.rawValue ?? "")
    }
}

/// Where alarm sources report conditions. The hub's own sources (events, scores, silence) and the
/// frequency judge (`FREQUENCY_EXCURSION`, `ROCOF`) call it; `AlarmEngine` is the implementation.
///
/// Both calls are idempotent for a steady condition except that a raise while the alarm is already
/// active counts a repeat (`raise_count`; chattering); call `raise` on each transition into the
/// condition, `returnToNormal` on each transition out. Errors are logged, never thrown: the
/// condition itself is already stored.
public protocol AlarmSink: Sendable {
    /// The condition is present: raises a new alarm, or re-raises the open one of the same
    /// type, substation and feeder/device. Returns the alarm as stored (nil when alarms are off or
    /// the store failed).
    @discardableResult
    func raise(_ condition: AlarmCondition) async -> Alarm?
    /// The condition is gone: the open alarm of the same key returns to normal (nil when there
    /// was none active).
    @discardableResult
    func returnToNormal(_ condition: AlarmCondition) async -> Alarm?
}
