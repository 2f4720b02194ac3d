import HopDNP3

/// Where a feeder's analog field lives in the outstation: a point type and index, and
/// `value = raw × scale + offset`. Events of that point (g32 for g30, g22 for g20) update it too.
public struct DNP3AnalogSpec: Sendable, Hashable {
    public var type: PointType
    public var index: UInt32
    public var scale: Double
    public var offset: Double

    public init(type: PointType, index: UInt32, scale: Double = 1, offset: Double = 0) {
        self.type = type
        self.index = index
        self.scale = scale
        self.offset = offset
    }

    /// The static group written in the configuration (30 or 20).
    public var group: Int { type == .counter ? 20 : 30 }
}

/// A feeder's breaker: a binary input (closed when its state equals `closedValue`) or a
/// double-bit input (closed when ON, or OFF when `closedWhenOn` is false; intermediate and
/// indeterminate states leave the last known state).
public struct DNP3BreakerSpec: Sendable, Hashable {
    public var type: PointType
    public var index: UInt32
    /// Binary inputs: the state that means closed.
    public var closedValue: Bool
    /// Double-bit inputs: whether ON means closed.
    public var closedWhenOn: Bool

    public init(type: PointType, index: UInt32, closedValue: Bool = true, closedWhenOn: Bool = true) {
        self.type = type
        self.index = index
        self.closedValue = closedValue
        self.closedWhenOn = closedWhenOn
    }

    /// The static group written in the configuration (1 or 3).
    public var group: Int { type == .doubleBit ? 3 : 1 }

    /// Closed, open, or `nil` for a value that is not a breaker position.
    public func closed(_ value: PointValue) -> Bool? {
        switch value {
        case .binary(let on): on == closedValue
        case .doubleBit(.on): closedWhenOn
        case .doubleBit(.off): !closedWhenOn
        default: nil
        }
    }
}

/// The DNP3 points of one feeder.
public struct DNP3FeederMap: Sendable, Hashable {
    public var points: [TelemetryField: DNP3AnalogSpec]
    public var breaker: DNP3BreakerSpec?

    public init(points: [TelemetryField: DNP3AnalogSpec] = [:], breaker: DNP3BreakerSpec? = nil) {
        self.points = points
        self.breaker = breaker
    }
}
