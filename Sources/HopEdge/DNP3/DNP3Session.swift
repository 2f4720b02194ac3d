import HopDNP3
import HopProtocol
import Logging

/// A `DeviceSession` over a DNP3 master (TCP or serial). Like `ModbusSession`, the channel is
/// confined to the session's own `DeviceThread`: scans and the wait for unsolicited responses run
/// there, so a silent outstation blocks nothing else.
public final class DNP3Session: DeviceSession, @unchecked Sendable {
    // @unchecked: `master` and `log` are only touched by synchronous code running on `thread`.
    private let master: DNP3Master
    private let thread: DeviceThread
    private let device: DeviceConfig
    private let points: DNP3PointIndex
    /// Keep every measurement in `log` (for `probe`).
    private let keepLog: Bool
    private var log = DNP3PollLog()

    public init(device: DeviceConfig, logger: Logger, keepLog: Bool = false) {
        precondition(device.dnp3 != nil, "DNP3Session needs a DNP3 device")
        let settings = device.dnp3!
        let channel: any DNP3Channel =
            switch device.transport {
            case .dnp3Serial(let s), .modbusRTU(let s): SerialChannel(settings: s)
            case .dnp3TCP(let host, let port), .modbusTCP(let host, let port): TCPChannel(host: host, port: port)
            }
        var logger = logger
        logger[metadataKey: "device"] = "\(device.name)"
        logger[metadataKey: "outstation"] = "\(settings.outstationAddress)"
        self.master = DNP3Master(settings: settings, channel: channel, timeout: device.timeout, logger: logger)
        self.thread = DeviceThread(name: "hop-edge.device.\(device.name)")
        self.device = device
        self.points = DNP3PointIndex(device: device)
        self.keepLog = keepLog
    }

    public var executor: (any TaskExecutor)? { thread }

    public func scan(_ scan: ScanPlan) async throws(DeviceError) -> ScanSample {
        let result = await withTaskExecutorPreference(thread) { self.scanOnThread(DNP3Poll(scanName: scan.name)) }
        return try result.get()
    }

    public func disconnect() async {
        await withTaskExecutorPreference(thread) { self.master.close() }
    }

    public func pushed(within timeout: Duration) async -> ScanSample? {
        guard device.dnp3?.unsolicited == true else { return nil }
        return await withTaskExecutorPreference(thread) { self.listenOnThread(timeout) }
    }

    /// What the last scans saw (kept only with `keepLog`).
    public func pollLog() async -> DNP3PollLog {
        await withTaskExecutorPreference(thread) { self.log }
    }

    private func scanOnThread(_ poll: DNP3Poll) -> Result<ScanSample, DeviceError> {
        var attempt = 0
        while true {
            do {
                let responses = try master.poll(poll)
                return .success(sample(from: responses))
            } catch {
                attempt += 1
                if error.kind == .connect || error.kind == .transport { master.close() }
                if error.kind == .decode || error.kind == .exception || attempt > device.retries {
                    return .failure(DeviceError(
                        kind: error.kind, device: device.name, unitID: device.unitID, request: poll.name,
                        message: error.description))
                }
            }
        }
    }

    /// Listens in short slices so a graceful shutdown is never held up for long.
    private func listenOnThread(_ timeout: Duration) -> ScanSample? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !Task.isCancelled, master.isConnected {
            let left = deadline - clock.now
            guard left > .zero else { return nil }
            do {
                let responses = try master.listen(for: min(left, .milliseconds(250)))
                if !responses.isEmpty { return sample(from: responses) }
            } catch {
                // The next scan reconnects and reports the failure.
                if error.kind == .transport { master.close() }
                return nil
            }
        }
        return nil
    }

    private func sample(from responses: [ParsedResponse]) -> ScanSample {
        var sample = ScanSample()
        let received = SourceTime.now()
        for response in responses {
            for m in response.measurements {
                let outcome = points.apply(m, to: &sample, received: received)
                if keepLog { log.record(m, outcome: outcome) }
            }
            if keepLog { log.record(response) }
        }
        return sample
    }
}
