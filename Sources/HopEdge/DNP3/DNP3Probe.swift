import Foundation
import HopDNP3
import HopProtocol
import Logging

/// `hop-edge probe` for a DNP3 device: one integrity poll, showing every point the outstation
/// sent with its flags and time, what each feeder field became, IIN bits and skipped objects.
public struct DNP3ProbeReport: Codable, Sendable {
    public struct Point: Codable, Sendable {
        public var type: String
        public var index: UInt32
        public var object: String
        public var value: String
        public var flags: [String]
        /// The outstation's time (ms since 1970), for timed events.
        public var time: Int64?
        public var event: Bool
        /// `used`, `rejected` (bad flags or value) or `unmapped`.
        public var outcome: String
    }

    public struct FeederValues: Codable, Sendable {
        public var feederID: String
        public var deviceID: String
        public var values: [String: Double]
        public var breakerClosed: Bool?

        enum CodingKeys: String, CodingKey {
            case feederID = "feeder_id", deviceID = "device_id", values, breakerClosed = "breaker_closed"
        }
    }

    public var device: String
    public var transport: String
    public var protocolName = "dnp3"
    public var masterAddress: Int
    public var outstationAddress: Int
    public var ok: Bool
    public var error: String?
    public var latencyMs: Double
    public var iin: [String]
    public var feeders: [FeederValues]
    public var points: [Point]
    public var skippedObjects: [String]

    enum CodingKeys: String, CodingKey {
        case device, transport, protocolName = "protocol", masterAddress = "master_address"
        case outstationAddress = "outstation_address", ok, error, latencyMs = "latency_ms", iin, feeders, points
        case skippedObjects = "skipped_objects"
    }
}

public enum DNP3Probe {
    public static func run(device: DeviceConfig, logger: Logger) async -> DNP3ProbeReport {
        let settings = device.dnp3 ?? DNP3Settings(outstationAddress: UInt16(device.unitID))
        let session = DNP3Session(device: device, logger: logger, keepLog: true)
        let clock = ContinuousClock()
        let start = clock.now
        var report = DNP3ProbeReport(
            device: device.name, transport: device.transport.description, masterAddress: Int(settings.masterAddress),
            outstationAddress: Int(settings.outstationAddress), ok: true, error: nil, latencyMs: 0, iin: [], feeders: [],
            points: [], skippedObjects: [])
        var sample = ScanSample()
        do {
            sample = try await session.scan(ScanPlan(name: DNP3Poll.integrity.name, interval: .seconds(1), requests: []))
        } catch {
            report.ok = false
            report.error = error.description
        }
        report.latencyMs = (clock.now - start).seconds * 1000
        let log = await session.pollLog()
        await session.disconnect()
        report.iin = log.iin
        report.skippedObjects = log.skipped
        report.points = log.points.map {
            .init(
                type: $0.type.rawValue, index: $0.index, object: $0.object, value: $0.value, flags: $0.flags, time: $0.time,
                event: $0.isEvent, outcome: $0.outcome)
        }
        for (index, feeder) in device.feeders.enumerated() {
            var values: [String: Double] = [:]
            for field in TelemetryField.allCases {
                if let v = sample.analog[index, field] { values[field.rawValue] = v }
            }
            report.feeders.append(.init(
                feederID: feeder.feederID.rawValue, deviceID: feeder.deviceID.rawValue, values: values,
                breakerClosed: sample.breakers[index]))
        }
        return report
    }
}

extension DNP3ProbeReport {
    /// The text `hop-edge probe` prints.
    public var text: String {
        var lines = [
            "device \(device) (\(transport) master \(masterAddress) → outstation \(outstationAddress)): "
                + "\(ok ? "ok" : "FAILED") in \(String(format2: (latencyMs * 100).rounded() / 100)) ms"
        ]
        if let error { lines.append("  error: \(error)") }
        lines.append("  IIN: " + (iin.isEmpty ? "none" : iin.joined(separator: " ")))
        for f in feeders {
            var parts = TelemetryField.allCases.compactMap { field in
                f.values[field.rawValue].map { "\(field.rawValue)=\(String(format2: $0))" }
            }
            if let closed = f.breakerClosed { parts.append("breaker=\(closed ? "CLOSED" : "OPEN")") }
            lines.append("  \(f.feederID) (\(f.deviceID)): " + (parts.isEmpty ? "no values" : parts.joined(separator: " ")))
        }
        for p in points {
            let time = p.time.map { " at " + SourceTime(epochMilliseconds: $0).description } ?? ""
            let flags = p.flags.isEmpty ? "OFFLINE" : p.flags.joined(separator: " ")
            lines.append("  \(p.object) \(p.type) \(p.index) = \(p.value) [\(flags)]\(time)\(p.event ? " event" : "") \(p.outcome)")
        }
        if !skippedObjects.isEmpty { lines.append("  skipped (not mapped): " + skippedObjects.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
