import ArgumentParser
import Foundation
import HopEdge
import Logging

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Read each device once and print decoded values and raw registers.")

    @Option(name: .long, help: "The edge configuration file.") var config: String
    @Option(name: .long, help: "Only this device.") var device: String?
    @Option(name: .long, help: "Also show the two registers at this address in all four 32-bit orders.") var address: Int?
    @Option(name: .long, help: "Table for --address: holding or input.") var function: String = "holding"
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        if let address, let problem = Probe.addressProblem(address) { throw ValidationError(problem) }
        let edge = try loadConfig(config)
        let devices = edge.devices.filter { device == nil || $0.name == device }
        guard !devices.isEmpty else { throw ValidationError("no device named '\(device ?? "")' in \(config)") }
        guard let table = ModbusFunction(rawValue: function), !table.isBit else {
            throw ValidationError("--function must be holding or input")
        }
        var reports: [ProbeOutput] = []
        let logger = makeLogger(level: .warning)
        for d in devices {
            if d.dnp3 != nil {
                reports.append(.dnp3(await DNP3Probe.run(device: d, logger: logger)))
                continue
            }
            let plan = try ReadPlanner.plan(d)
            reports.append(.modbus(await Probe.run(plan: plan, session: ModbusSession(device: d, keepRaw: true), address: address.map { (table, $0) })))
        }
        if json {
            print(try ProbeOutput.json(reports))
        } else {
            print(reports.map(\.text).joined(separator: "\n"))
        }
        if reports.contains(where: { !$0.ok }) { throw ExitCode(2) }
    }
}
