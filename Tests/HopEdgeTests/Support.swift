import Foundation
import HopProtocol
import Testing

@testable import HopEdge

/// A fresh temporary directory per test, removed by the caller's `defer`.
func temporaryDirectory(_ name: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("hop-edge-tests-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A clock whose sleeps return at once and advance monotonic time; records every sleep.
final class ManualClock: EdgeClock, @unchecked Sendable {
    private let lock = NSLock()
    private var elapsed: Duration = .zero
    private var slept: [Duration] = []
    private var wallStart: Int64 = 1_790_000_000_000

    func monotonic() -> Duration { lock.withLock { elapsed } }
    func wall() -> SourceTime { lock.withLock { SourceTime(epochMilliseconds: wallStart + elapsed.milliseconds) } }
    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        lock.withLock {
            slept.append(duration)
            elapsed += duration
        }
        await Task.yield()
    }

    var sleeps: [Duration] { lock.withLock { slept } }
}

/// A device config with `feeders` hop-sim feeders.
func simDevice(name: String = "rtu", feeders: Int = 2, port: Int = 1502) -> DeviceConfig {
    let profile = RegisterMap(
        points: [
            .voltageKV: PointSpec(function: .holding, address: 0),
            .currentA: PointSpec(function: .holding, address: 2),
            .powerMW: PointSpec(function: .holding, address: 4),
            .frequencyHz: PointSpec(function: .holding, address: 6),
        ],
        breaker: BreakerSpec(function: .coil, address: 0, closedValue: 1))
    return DeviceConfig(
        name: name, transport: .modbusTCP(host: "127.0.0.1", port: port), substationID: "SUB001",
        latitude: 45.5, longitude: -122.6,
        feeders: (0..<feeders).map { k in
            FeederConfig(
                feederID: FeederID("FDR00\(k + 1)"), deviceID: DeviceID("SUB001-FDR00\(k + 1)"), profile: "hop-sim-feeder",
                registerBase: 20 * k, bitBase: k, map: profile.offset(registers: 20 * k, bits: k))
        })
}
