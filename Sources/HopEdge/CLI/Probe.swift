import Foundation
import HopProtocol

/// One read of a device with everything a technician needs to check a register map: decoded
/// values per feeder, the raw registers of every request, and optionally one address shown in all
/// four 32-bit byte orders side by side.
public struct ProbeReport: Codable, Sendable {
    public struct FeederValues: Codable, Sendable {
        public var feederID: String
        public var deviceID: String
        public var values: [String: Double]
        public var breakerClosed: Bool?

        enum CodingKeys: String, CodingKey {
            case feederID = "feeder_id", deviceID = "device_id", values, breakerClosed = "breaker_closed"
        }
    }

    public struct Raw: Codable, Sendable {
        public var request: String
        public var registers: [UInt16]?
        public var bits: [UInt8]?
    }

    /// Two registers at an address, decoded in every 32-bit order.
    public struct Orders: Codable, Sendable {
        public var function: String
        public var address: Int
        public var registers: [UInt16]
        /// Keyed by order (`ABCD`…): `float32`, `int32`, `uint32`.
        public var decoded: [String: [String: Double]]
    }

    public var device: String
    public var transport: String
    public var unitID: Int
    public var ok: Bool
    public var error: String?
    public var latencyMs: Double
    public var feeders: [FeederValues]
    public var raw: [Raw]
    public var orders: Orders?

    enum CodingKeys: String, CodingKey {
        case device, transport, unitID = "unit_id", ok, error, latencyMs = "latency_ms", feeders, raw, orders
    }
}

extension ProbeReport {
    /// What `hop-edge probe --json` prints: an array of reports, pretty-printed with sorted keys.
    /// Keys are snake_case like every JSON the project emits (docs/edge-agent.md lists them);
    /// `values` is keyed by telemetry field and `decoded` by byte order and type.
    public static func json(_ reports: [ProbeReport]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(reports), as: UTF8.self)
    }
}

/// `hop-edge probe`: reads a device once through its plan (see `ProbeReport`).
public enum Probe {
    /// Reads every scan of `plan` once through `session`, plus `address` if given.
    public static func run(
        plan: DevicePlan, session: any DeviceSession, address: (function: ModbusFunction, address: Int)? = nil
    ) async -> ProbeReport {
        let device = plan.device
        let clock = ContinuousClock()
        let start = clock.now
        var report = ProbeReport(
            device: device.name, transport: device.transport.description, unitID: device.unitID, ok: true, error: nil,
            latencyMs: 0, feeders: [], raw: [], orders: nil)
        var merged = ScanSample()
        do {
            for scan in plan.scans {
                let sample = try await session.scan(scan)
                merged.analog.merge(sample.analog)
                merged.breakers.merge(sample.breakers)
                merged.raw += sample.raw
            }
            if let address {
                let request = ReadRequest(function: address.function, start: address.address, count: addressWidth, points: [])
                let sample = try await session.scan(ScanPlan(name: "probe", interval: .seconds(1), requests: [request]))
                if let registers = sample.raw.first?.registers {
                    report.orders = orders(function: address.function, address: address.address, registers: registers)
                }
            }
        } catch {
            report.ok = false
            report.error = error.description
        }
        report.latencyMs = (clock.now - start).seconds * 1000
        for (index, feeder) in device.feeders.enumerated() {
            var values: [String: Double] = [:]
            for field in TelemetryField.allCases {
                if let v = merged.analog[index, field] { values[field.rawValue] = v }
            }
            report.feeders.append(.init(
                feederID: feeder.feederID.rawValue, deviceID: feeder.deviceID.rawValue, values: values,
                breakerClosed: merged.breakers[index]))
        }
        report.raw = merged.raw.map {
            .init(
                request: $0.request.label, registers: $0.request.function.isBit ? nil : $0.registers,
                bits: $0.request.function.isBit ? $0.bits : nil)
        }
        await session.disconnect()
        return report
    }

    /// Registers `--address` reads (one 32-bit value).
    public static let addressWidth = 2

    /// Why `--address N` cannot be probed (a Modbus address is 16 bits, and the two registers read
    /// must both exist), or `nil`. Checked before anything goes on the wire.
    public static func addressProblem(_ address: Int) -> String? {
        guard (0...65535).contains(address) else { return "--address \(address) is out of range 0…65535" }
        guard address + addressWidth - 1 <= 65535 else {
            return "--address \(address): a 32-bit read needs registers \(address)…\(address + addressWidth - 1); the last address is 65535 (use at most \(65536 - addressWidth))"
        }
        return nil
    }

    static func orders(function: ModbusFunction, address: Int, registers: [UInt16]) -> ProbeReport.Orders {
        var decoded: [String: [String: Double]] = [:]
        for order in ByteOrder.allCases {
            var row: [String: Double] = [:]
            for type in [RegisterType.float32, .int32, .uint32] {
                if let v = RegisterDecoder.raw(registers, at: 0, type: type, order: order), v.isFinite { row[type.rawValue] = v }
            }
            decoded[order.rawValue] = row
        }
        return .init(function: function.rawValue, address: address, registers: registers, decoded: decoded)
    }
}

extension ProbeReport {
    /// The text `hop-edge probe` prints.
    public var text: String {
        var lines = ["device \(device) (\(transport) unit \(unitID)): \(ok ? "ok" : "FAILED") in \(String(format2: (latencyMs * 100).rounded() / 100)) ms"]
        if let error { lines.append("  error: \(error)") }
        for f in feeders {
            var parts = TelemetryField.allCases.compactMap { field in f.values[field.rawValue].map { "\(field.rawValue)=\(String(format2: $0))" } }
            if let closed = f.breakerClosed { parts.append("breaker=\(closed ? "CLOSED" : "OPEN")") }
            lines.append("  \(f.feederID) (\(f.deviceID)): " + (parts.isEmpty ? "no values" : parts.joined(separator: " ")))
        }
        for r in raw {
            if let registers = r.registers {
                lines.append("  raw \(r.request): " + registers.map { hex($0) }.joined(separator: " "))
            } else if let bits = r.bits {
                lines.append("  raw \(r.request): " + bits.map(String.init).joined())
            }
        }
        if let o = orders {
            lines.append("  \(o.function) \(o.address)…\(o.address + 1) = \(o.registers.map { hex($0) }.joined(separator: " ")) in every order:")
            lines.append("    order  " + ["float32", "int32", "uint32"].map { pad($0) }.joined())
            for order in ByteOrder.allCases {
                let row = o.decoded[order.rawValue] ?? [:]
                lines.append("    \(order.rawValue)   " + ["float32", "int32", "uint32"].map { pad(row[$0].map { String(format2: $0) } ?? "nan") }.joined())
            }
        }
        return lines.joined(separator: "\n")
    }

    private func hex(_ v: UInt16) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 4 - s.count) + s
    }

    private func pad(_ s: String) -> String { s.count >= 18 ? s + " " : s + String(repeating: " ", count: 18 - s.count) }
}

extension String {
    /// A compact decimal rendering: integers without a fraction, others with up to 6 significant decimals.
    init(format2 value: Double) {
        if value == value.rounded(), abs(value) < 1e15 {
            self = String(Int64(value))
        } else {
            self = String(value)
        }
    }
}
