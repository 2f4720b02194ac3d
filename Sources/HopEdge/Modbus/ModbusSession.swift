/// A `DeviceSession` over libmodbus (TCP or RTU). The libmodbus context is confined to the
/// session's own `DeviceThread`: every scan runs there (without a hop when the caller already
/// prefers that executor, as the poller does), so a slow or dead device blocks only its thread.
public final class ModbusSession: DeviceSession, @unchecked Sendable {
    // @unchecked: `connection` is only touched by synchronous code running on `thread`.
    private let connection: ModbusConnection
    private let thread: DeviceThread
    private let device: DeviceConfig
    /// Keep raw responses in samples (for `probe`); the poller does not need them.
    private let keepRaw: Bool

    public init(device: DeviceConfig, keepRaw: Bool = false) {
        self.device = device
        self.keepRaw = keepRaw
        self.connection = ModbusConnection(device: device)
        self.thread = DeviceThread(name: "hop-edge.device.\(device.name)")
    }

    public var executor: (any TaskExecutor)? { thread }

    public func scan(_ scan: ScanPlan) async throws(DeviceError) -> ScanSample {
        let result = await withTaskExecutorPreference(thread) { self.scanOnThread(scan) }
        return try result.get()
    }

    public func disconnect() async {
        await withTaskExecutorPreference(thread) { self.connection.close() }
    }

    private func scanOnThread(_ scan: ScanPlan) -> Result<ScanSample, DeviceError> {
        var sample = ScanSample()
        for request in scan.requests {
            var attempt = 0
            while true {
                do {
                    let response = try connection.read(request)
                    try ScanDecoder.decode(response, into: &sample, device: device, keepRaw: keepRaw)
                    break
                } catch {
                    attempt += 1
                    // A protocol exception or a bad value will not change on retry.
                    if error.kind == .exception || error.kind == .decode || attempt > device.retries {
                        return .failure(error)
                    }
                }
            }
        }
        return .success(sample)
    }
}
