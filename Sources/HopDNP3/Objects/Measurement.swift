/// The point types this master maps.
public enum PointType: String, Sendable, Hashable, CaseIterable {
    case binary, doubleBit = "double_bit", analog, counter
}

/// The state of a double-bit binary input.
public enum DoubleBit: UInt8, Sendable, Hashable, CustomStringConvertible {
    case intermediate = 0, off = 1, on = 2, indeterminate = 3

    public var description: String {
        switch self {
        case .intermediate: "INTERMEDIATE"
        case .off: "OFF"
        case .on: "ON"
        case .indeterminate: "INDETERMINATE"
        }
    }
}

/// A value as the outstation reported it.
public enum PointValue: Hashable, Sendable, CustomStringConvertible {
    case binary(Bool)
    case doubleBit(DoubleBit)
    case analog(Double)
    case counter(UInt32)

    public var description: String {
        switch self {
        case .binary(let b): b ? "1" : "0"
        case .doubleBit(let d): d.description
        case .analog(let v): "\(v)"
        case .counter(let c): "\(c)"
        }
    }
}

/// One decoded point: static (class 0) or event, with its flags and, for timed variations, the
/// outstation's own time of the change.
public struct Measurement: Hashable, Sendable {
    public var type: PointType
    public var index: UInt32
    public var value: PointValue
    public var flags: Flags
    /// The outstation's time of the value (timed event variations, or relative to a g51 CTO).
    public var time: DNP3Time?
    /// Whether it came from an event object (g2, g4, g22, g32) rather than a static one.
    public var isEvent: Bool
    public var group: UInt8
    public var variation: UInt8

    public init(
        type: PointType, index: UInt32, value: PointValue, flags: Flags, time: DNP3Time? = nil, isEvent: Bool,
        group: UInt8, variation: UInt8
    ) {
        self.type = type
        self.index = index
        self.value = value
        self.flags = flags
        self.time = time
        self.isEvent = isEvent
        self.group = group
        self.variation = variation
    }
}
