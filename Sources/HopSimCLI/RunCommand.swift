import ArgumentParser
import Foundation
import HopSim
import Logging

/// `hop-sim [run]`: Modbus TCP RTUs for N simulated substations (some also DNP3 outstations),
/// and/or a seed REST API poster.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the simulator (the default subcommand) until SIGINT/SIGTERM.")

    @Option(help: "Modbus TCP server address, HOST:PORT.") var listen: String?
    @Option(help: "Number of substations (1…247); unit id = index + 1.") var substations = 5
    @Option(help: "Feeders per substation (1…64).") var feeders = 4
    @Option(help: "Seed of the value model.") var seed: UInt64 = 1
    @Option(help: "Scenario YAML file (faults at times relative to start).") var scenario: String?
    @Option(help: "Control interface address (loopback), HOST:PORT.") var control: String?
    @Option(help: "Model time step in seconds.") var step = 1.0
    @Option(help: "REST mode: hub base URL, e.g. http://127.0.0.1:8080.") var postTo: String?
    @Option(help: "REST mode: file holding the API key.") var apiKeyFile: String?
    @Option(help: "REST mode: seconds between posts.") var interval = 5.0
    @Option(help: "REST mode: what to post, a list of telemetry, events, outages.") var post = "telemetry,events,outages"
    @Option(help: "Nominal bus voltage in kV.") var nominalKv = 230.0
    @Flag(inversion: .prefixedNo, help: "Seeded unscripted frequency excursions.") var naturalExcursions = true
    @Option(
        help: "Serve a substation as a DNP3 outstation too: SUBNNN=HOST:PORT[,outstation=N][,master=N] (repeatable; addresses default 10 and 1)."
    ) var dnp3: [String] = []
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func run() async throws {
        var logger = Logger(label: "hop-sim")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        do throws(SimError) {
            try await SimRunner(configuration: try configuration(), logger: logger).run()
        } catch {
            FileHandle.standardError.write(Data("hop-sim: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The options as a `SimConfiguration` (checked later by `validate()`).
    func configuration() throws(SimError) -> SimConfiguration {
        let url = try postTo.map { text throws(SimError) in
            guard let url = URL(string: text) else { throw SimError("--post-to '\(text)': not a URL") }
            return url
        }
        return SimConfiguration(
            listen: try listen.map { v throws(SimError) in try Endpoint(parsing: v, option: "--listen") },
            control: try control.map { v throws(SimError) in try Endpoint(parsing: v, option: "--control") },
            substations: substations, feeders: feeders, seed: seed, stepMs: Int64((step * 1000).rounded()),
            scenarioPath: scenario, postTo: url, apiKeyFile: apiKeyFile,
            postIntervalMs: Int64((interval * 1000).rounded()),
            postKinds: try SimConfiguration.postKinds(parsing: post), naturalExcursions: naturalExcursions, nominalKV: nominalKv,
            dnp3: try dnp3.map { v throws(SimError) in try DNP3OutstationSpec(parsing: v) })
    }
}
