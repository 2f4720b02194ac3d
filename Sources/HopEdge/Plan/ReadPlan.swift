import HopProtocol

/// What a point is for: an analog telemetry field or the feeder's breaker status.
public enum PointRole: Hashable, Sendable, CustomStringConvertible {
    case analog(TelemetryField)
    case breaker

    public var description: String {
        switch self {
        case .analog(let field): field.rawValue
        case .breaker: "breaker"
        }
    }
}

/// A point of a device: which feeder (index into `DeviceConfig.feeders`) and which role.
public struct PointRef: Hashable, Sendable {
    public var feeder: Int
    public var role: PointRole
}

/// How to interpret a point's raw data.
public enum PointKind: Hashable, Sendable {
    case analog(PointSpec)
    case breaker(BreakerSpec)
}

/// A point placed inside a read request. Several feeders may name the same point (the bus
/// frequency register an RTU shares between its feeders): it is read once and its value goes to
/// every feeder in `refs`.
public struct PlannedPoint: Hashable, Sendable {
    /// The feeders' points it serves, in feeder order; all have the same role.
    public var refs: [PointRef]
    public var kind: PointKind
    public var address: Int
    /// Registers or bits the point spans.
    public var width: Int
    /// Position of the point's first register/bit within the request's response.
    public var offset: Int
}

/// One Modbus read: a function, a start address and a count, and the points it serves.
public struct ReadRequest: Hashable, Sendable {
    public var function: ModbusFunction
    public var start: Int
    public var count: Int
    public var points: [PlannedPoint]
}

/// The requests of one scan class, repeated every `interval`.
public struct ScanPlan: Hashable, Sendable {
    /// `default` or the configured scan class name.
    public var name: String
    public var interval: Duration
    public var requests: [ReadRequest]
}

/// Everything a device is asked for, per scan class.
public struct DevicePlan: Hashable, Sendable {
    public var device: DeviceConfig
    public var scans: [ScanPlan]

    /// Total requests across all scan classes.
    public var requestCount: Int { scans.reduce(0) { $0 + $1.requests.count } }
}
