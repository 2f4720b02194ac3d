/// The seed's four analog telemetry fields, which register maps map registers onto.
public enum TelemetryField: String, CaseIterable, Sendable, Hashable, Comparable {
    case voltageKV = "voltage_kv"
    case currentA = "current_a"
    case powerMW = "power_mw"
    case frequencyHz = "frequency_hz"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// The Modbus data table a point lives in.
public enum ModbusFunction: String, CaseIterable, Sendable, Hashable, Comparable {
    /// Holding registers (function 3), 16-bit.
    case holding
    /// Input registers (function 4), 16-bit.
    case input
    /// Coils (function 1), single bits.
    case coil
    /// Discrete inputs (function 2), single bits.
    case discrete

    /// Coils and discrete inputs address bits; the others 16-bit registers.
    public var isBit: Bool { self == .coil || self == .discrete }

    /// The protocol's limit on how many items one request may read (125 registers, 2000 bits).
    public var maxPerRequest: Int { isBit ? 2000 : 125 }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// How a register-backed value is encoded.
public enum RegisterType: String, CaseIterable, Sendable, Hashable {
    case int16, uint16, int32, uint32, float32, float64

    /// Number of consecutive 16-bit registers the value spans.
    public var registerCount: Int {
        switch self {
        case .int16, .uint16: 1
        case .int32, .uint32, .float32: 2
        case .float64: 4
        }
    }
}

/// Byte order of a multi-register value, named by where bytes A (most significant) … D land.
///
/// `ABCD` is Modbus big-endian (high word first); `CDAB` swaps words; `BADC` swaps bytes within
/// each word; `DCBA` is fully little-endian. For 64-bit values the same rule extends to four words;
/// for 16-bit values only the byte swap matters (`BADC`/`DCBA` swap the two bytes).
public enum ByteOrder: String, CaseIterable, Sendable, Hashable {
    case abcd = "ABCD"
    case dcba = "DCBA"
    case badc = "BADC"
    case cdab = "CDAB"

    /// Whether the two bytes inside each register are swapped.
    public var swapsBytes: Bool { self == .badc || self == .dcba }
    /// Whether the least significant word comes first.
    public var swapsWords: Bool { self == .cdab || self == .dcba }
}

/// One analog point: where it is and how to turn its raw value into engineering units
/// (`value = raw * scale + offset`). `address` is absolute (profile address + feeder base).
public struct PointSpec: Sendable, Hashable {
    public var function: ModbusFunction
    public var address: Int
    public var type: RegisterType
    public var order: ByteOrder
    public var scale: Double
    public var offset: Double

    public init(
        function: ModbusFunction, address: Int, type: RegisterType = .float32, order: ByteOrder = .abcd,
        scale: Double = 1, offset: Double = 0
    ) {
        self.function = function
        self.address = address
        self.type = type
        self.order = order
        self.scale = scale
        self.offset = offset
    }

    /// Registers (or bits) the point occupies.
    public var width: Int { function.isBit ? 1 : type.registerCount }
}

/// The breaker-status point of a feeder. For coils/discrete inputs the bit is compared with
/// `closedValue` (0 or 1); for registers the unsigned 16-bit value is.
public struct BreakerSpec: Sendable, Hashable {
    public var function: ModbusFunction
    public var address: Int
    public var closedValue: Int

    public init(function: ModbusFunction, address: Int, closedValue: Int = 1) {
        self.function = function
        self.address = address
        self.closedValue = closedValue
    }
}

/// A register map: the analog points and the breaker of one feeder.
public struct RegisterMap: Sendable, Hashable {
    public var points: [TelemetryField: PointSpec]
    public var breaker: BreakerSpec?

    public init(points: [TelemetryField: PointSpec] = [:], breaker: BreakerSpec? = nil) {
        self.points = points
        self.breaker = breaker
    }
}
