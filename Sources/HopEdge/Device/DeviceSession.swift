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
}

extension DeviceSession {
    public var executor: (any TaskExecutor)? { nil }
}

/// The decoded result of one scan.
public struct ScanSample: Sendable, Hashable {
    /// Engineering values by point.
    public var analog = AnalogValues()
    /// Breaker closed (`true`) or open, by feeder index.
    public var breakers = BreakerValues()
    /// Raw responses, in request order (kept only when asked for, e.g. by `probe`).
    public var raw: [RawResponse] = []

    public init() {}
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
