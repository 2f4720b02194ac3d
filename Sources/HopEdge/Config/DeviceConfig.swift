import HopProtocol

/// One polled device (an RTU or IED) and the feeders it measures.
public struct DeviceConfig: Sendable, Hashable {
    /// Unique within the edge; appears in every log line and in `COMM_FAIL` events.
    public var name: String
    public var transport: Transport
    public var unitID: Int
    /// Response timeout of one request.
    public var timeout: Duration
    /// Extra attempts of a failed request within one poll before the poll counts as failed.
    public var retries: Int
    public var substationID: SubstationID
    public var siteName: String?
    public var latitude: Double?
    public var longitude: Double?
    /// The default scan class's interval (points not claimed by a `scan_classes` entry).
    public var pollInterval: Duration
    public var readMode: ReadMode
    /// Unused registers a coalesced read may span to join two points.
    public var maxGapRegisters: Int
    /// Unused bits a coalesced read may span to join two points.
    public var maxGapBits: Int
    public var scanClasses: [ScanClassConfig]
    public var feeders: [FeederConfig]
    /// DNP3 link addresses, polls and reporting; `nil` for Modbus devices.
    public var dnp3: DNP3Settings?

    public init(
        name: String, transport: Transport, unitID: Int = 1, timeout: Duration = .seconds(1), retries: Int = 1,
        substationID: SubstationID, siteName: String? = nil, latitude: Double? = nil, longitude: Double? = nil,
        pollInterval: Duration = .seconds(1), readMode: ReadMode = .coalesced, maxGapRegisters: Int = 16,
        maxGapBits: Int = 64, scanClasses: [ScanClassConfig] = [], feeders: [FeederConfig]
    ) {
        self.name = name
        self.transport = transport
        self.unitID = unitID
        self.timeout = timeout
        self.retries = retries
        self.substationID = substationID
        self.siteName = siteName
        self.latitude = latitude
        self.longitude = longitude
        self.pollInterval = pollInterval
        self.readMode = readMode
        self.maxGapRegisters = maxGapRegisters
        self.maxGapBits = maxGapBits
        self.scanClasses = scanClasses
        self.feeders = feeders
    }
}

/// How the device is reached.
public enum Transport: Sendable, Hashable, CustomStringConvertible {
    case modbusTCP(host: String, port: Int)
    case modbusRTU(SerialSettings)
    case dnp3TCP(host: String, port: Int)
    case dnp3Serial(SerialSettings)

    public var description: String {
        switch self {
        case .modbusTCP(let host, let port): "modbus-tcp \(host):\(port)"
        case .modbusRTU(let s): "modbus-rtu \(s.device) \(s.baud) \(s.dataBits)\(s.parity.rawValue)\(s.stopBits)"
        case .dnp3TCP(let host, let port): "dnp3-tcp \(host):\(port)"
        case .dnp3Serial(let s): "dnp3-serial \(s.device) \(s.baud) \(s.dataBits)\(s.parity.rawValue)\(s.stopBits)"
        }
    }

    /// The serial line, for either protocol.
    public var serial: SerialSettings? {
        switch self {
        case .modbusRTU(let s), .dnp3Serial(let s): s
        default: nil
        }
    }
}

/// Serial line settings for Modbus RTU.
public struct SerialSettings: Sendable, Hashable {
    public enum Parity: String, Sendable, Hashable, CaseIterable {
        case none = "N", even = "E", odd = "O"
    }

    public var device: String
    public var baud: Int
    public var parity: Parity
    public var dataBits: Int
    public var stopBits: Int

    public init(device: String, baud: Int = 9600, parity: Parity = .none, dataBits: Int = 8, stopBits: Int = 1) {
        self.device = device
        self.baud = baud
        self.parity = parity
        self.dataBits = dataBits
        self.stopBits = stopBits
    }
}

/// Whether adjacent points are read together or one request per point.
public enum ReadMode: String, Sendable, Hashable, CaseIterable {
    /// As few requests as the protocol limits allow (125 registers, 2000 bits).
    case coalesced
    /// One request per point, for devices that reject reads spanning unmapped addresses.
    case perPoint = "per_point"
}

/// A group of points polled at their own rate, across all feeders of the device.
public struct ScanClassConfig: Sendable, Hashable {
    public var name: String
    public var interval: Duration
    /// Analog fields this class polls.
    public var fields: Set<TelemetryField>
    /// Whether this class polls the breakers.
    public var breaker: Bool

    public init(name: String, interval: Duration, fields: Set<TelemetryField>, breaker: Bool) {
        self.name = name
        self.interval = interval
        self.fields = fields
        self.breaker = breaker
    }
}

/// One feeder measured by a device.
public struct FeederConfig: Sendable, Hashable {
    public var feederID: FeederID
    /// The telemetry `device_id`; defaults to `<substation_id>-<feeder_id>`.
    public var deviceID: DeviceID
    /// The profile the map came from, if any (for `check` output).
    public var profile: String?
    public var registerBase: Int
    public var bitBase: Int
    /// Absolute addresses (profile addresses plus the bases).
    public var map: RegisterMap
    /// The feeder's DNP3 points (DNP3 devices only; `map` is then empty).
    public var dnp3Map: DNP3FeederMap?

    public init(
        feederID: FeederID, deviceID: DeviceID, profile: String? = nil, registerBase: Int = 0, bitBase: Int = 0,
        map: RegisterMap
    ) {
        self.feederID = feederID
        self.deviceID = deviceID
        self.profile = profile
        self.registerBase = registerBase
        self.bitBase = bitBase
        self.map = map
    }
}
