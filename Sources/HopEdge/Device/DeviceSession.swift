import HopProtocol

/// A connection to one field device that can execute a scan. The poller, journal and uploader only
/// see this protocol and `ScanSample`, so another protocol (DNP3) is one more implementation.
public protocol DeviceSession: Sendable {
    /// Performs every request of `scan` (connecting first if needed) and decodes the result.
    func scan(_ scan: ScanPlan) async throws(DeviceError) -> ScanSample
    /// Drops the connection; the next scan reconnects.
    func disconnect() async
    /// The executor the session's blocking I/O belongs on; pollers run their loop there so a poll
    /// needs no thread hop. `nil`: any executor.
    var executor: (any TaskExecutor)? { get }
    /// Waits at most `timeout` for data the device sends on its own (DNP3 unsolicited responses)
    /// and returns it, or `nil` when none came. The poller calls it instead of sleeping between
    /// scans. Devices that never report by themselves return `nil` at once.
    func pushed(within timeout: Duration) async -> ScanSample?
}

extension DeviceSession {
    public var executor: (any TaskExecutor)? { nil }
    public func pushed(within timeout: Duration) async -> ScanSample? { nil }
}

/// The decoded result of one scan.
public struct ScanSample: Sendable, Hashable {
    /// Engineering values by point.
    public var analog = AnalogValues()
    /// Breaker closed (`true`) or open, by feeder index.
    public var breakers = BreakerValues()
    /// Raw responses, in request order (kept only when asked for, e.g. by `probe`).
    public var raw: [RawResponse] = []
    /// Changes the device time-stamped itself (DNP3 events), in the order they happened; each is
    /// stored with its own source time rather than the scan's.
    public var events: [PointEvent] = []

    public init() {}

    /// Whether the scan produced nothing to store.
    public var isEmpty: Bool { analog.isEmpty && breakers.all.isEmpty && events.isEmpty }
}

/// A change reported by the device with its time (a DNP3 event).
public struct PointEvent: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case analog(TelemetryField, Double)
        case breaker(closed: Bool)
    }

    /// Index into `DeviceConfig.feeders`.
    public var feeder: Int
    public var value: Value
    /// The device's time of the change, or when the master received it if the device gave none.
    public var time: SourceTime

    public init(feeder: Int, value: Value, time: SourceTime) {
        self.feeder = feeder
        self.value = value
        self.time = time
    }
}

/// The untouched data of one request: registers, or bits as 0/1.
public struct RawResponse: Sendable, Hashable {
    public var request: ReadRequest
    public var registers: [UInt16]
    public var bits: [UInt8]

    public init(request: ReadRequest, registers: [UInt16] = [], bits: [UInt8] = []) {
        self.request = request
        self.registers = registers
        self.bits = bits
    }
}

/// A failed exchange with a device, with the context a technician needs.
public struct DeviceError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Could not open the connection.
        case connect
        /// The transport failed: timeout, reset, garbled or mismatched reply. The connection is dropped.
        case transport
        /// The device answered with a protocol exception (e.g. illegal data address).
        case exception
        /// The reply decoded to an impossible value.
        case decode
    }

    public var kind: Kind
    public var device: String
    public var unitID: Int
    /// `holding 0…67` when the error concerns one request.
    public var request: String?
    public var message: String

    public init(kind: Kind, device: String, unitID: Int, request: String? = nil, message: String) {
        self.kind = kind
        self.device = device
        self.unitID = unitID
        self.request = request
        self.message = message
    }

    public var description: String {
        let what = request.map { " reading \($0)" } ?? ""
        return "device \(device) unit \(unitID)\(what): \(kind.rawValue) error: \(message)"
    }
}

extension ReadRequest {
    /// `holding 0…67`.
    public var label: String { "\(function.rawValue) \(start)…\(start + count - 1)" }
}
