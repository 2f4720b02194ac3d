import Dispatch

/// A `DeviceSession` over libmodbus (TCP or RTU). The libmodbus context lives on a private serial
/// queue, so a slow or dead device blocks only its own queue, never the cooperative thread pool
/// or another device.
public final class ModbusSession: DeviceSession, @unchecked Sendable {
    // @unchecked: `connection` is only touched on `queue`.
    private let connection: ModbusConnection
    private let queue: DispatchQueue
    private let device: DeviceConfig

    public init(device: DeviceConfig) {
        self.device = device
        self.connection = ModbusConnection(device: device)
        self.queue = DispatchQueue(label: "hop-edge.modbus.\(device.name)")
    }

    public func scan(_ scan: ScanPlan) async throws(DeviceError) -> ScanSample {
        let result: Result<ScanSample, DeviceError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.scanOnQueue(scan)) }
        }
        return try result.get()
    }

    public func disconnect() async {
        await withCheckedContinuation { continuation in
            queue.async {
                self.connection.close()
                continuation.resume()
            }
        }
    }

    private func scanOnQueue(_ scan: ScanPlan) -> Result<ScanSample, DeviceError> {
        var sample = ScanSample()
        for request in scan.requests {
            var attempt = 0
            while true {
                do {
                    let response = try connection.read(request)
                    try ScanDecoder.decode(response, into: &sample, device: device)
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
