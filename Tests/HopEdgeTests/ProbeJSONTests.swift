import Foundation
import HopProtocol
import Testing

@testable import HopEdge

/// A device double answering every register with 0x4270 (float32 ABCD 0x42704270 ≈ 60.06) and
/// every bit with 1, decoded through the real plan and decoder.
struct FixedRegistersDevice: DeviceSession {
    let device: DeviceConfig
    var fails = false

    func scan(_ scan: ScanPlan) async throws(DeviceError) -> ScanSample {
        if fails { throw DeviceError(kind: .connect, device: device.name, unitID: device.unitID, message: "refused") }
        var sample = ScanSample()
        for request in scan.requests {
            let response =
                request.function.isBit
                ? RawResponse(request: request, bits: Array(repeating: 1, count: request.count))
                : RawResponse(request: request, registers: Array(repeating: 0x4270, count: request.count))
            try ScanDecoder.decode(response, into: &sample, device: device)
        }
        return sample
    }

    func disconnect() async {}
}

/// `hop-edge probe --json` speaks snake_case like every other JSON of the project.
@Suite struct ProbeJSONTests {
    /// Every object key of `json`, with its path; the keys inside `values` (telemetry fields) and
    /// `decoded` (byte orders, then types) are data, not names, and are left out.
    func keys(_ json: Any, path: String = "") -> [String] {
        if let array = json as? [Any] { return array.flatMap { keys($0, path: path + "[]") } }
        guard let object = json as? [String: Any] else { return [] }
        return object.flatMap { key, value -> [String] in
            [path + "." + key] + (["values", "decoded"].contains(key) ? [] : keys(value, path: path + "." + key))
        }
    }

    func report(fails: Bool = false) async throws -> [String: Any] {
        let device = simDevice(feeders: 2)
        let plan = try ReadPlanner.plan(device)
        let report = await Probe.run(
            plan: plan, session: FixedRegistersDevice(device: device, fails: fails), address: fails ? nil : (.holding, 10))
        let text = try ProbeReport.json([report])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        return try #require(parsed.first)
    }

    @Test func everyKeyIsSnakeCase() async throws {
        let all = keys([try await report(), try await report(fails: true)])
        #expect(!all.isEmpty)
        for key in all {
            let name = String(key.split(separator: ".").last ?? "")
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(key)")
        }
    }

    @Test func theKeysAreTheDocumentedOnes() async throws {
        let ok = try await report()
        #expect(Set(ok.keys) == ["device", "transport", "unit_id", "ok", "latency_ms", "feeders", "raw", "orders"])
        let feeder = try #require((ok["feeders"] as? [[String: Any]])?.first)
        #expect(Set(feeder.keys) == ["feeder_id", "device_id", "values", "breaker_closed"])
        #expect(feeder["feeder_id"] as? String == "FDR001" && feeder["device_id"] as? String == "SUB001-FDR001")
        #expect(feeder["breaker_closed"] as? Bool == true)
        let values = try #require(feeder["values"] as? [String: Double])
        #expect(Set(values.keys) == ["voltage_kv", "current_a", "power_mw", "frequency_hz"])
        let raw = try #require(ok["raw"] as? [[String: Any]])
        #expect(raw.map { Set($0.keys) } == [["request", "registers"], ["request", "bits"]])
        let orders = try #require(ok["orders"] as? [String: Any])
        #expect(Set(orders.keys) == ["function", "address", "registers", "decoded"])
        #expect(Set((orders["decoded"] as? [String: Any])?.keys ?? [:].keys) == ["ABCD", "DCBA", "BADC", "CDAB"])
        let failed = try await report(fails: true)
        #expect(failed["ok"] as? Bool == false)
        #expect((failed["error"] as? String)?.contains("refused") == true)
        #expect(failed["unit_id"] as? Int == 1)
    }
}
