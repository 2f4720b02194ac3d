import ArgumentParser
import Foundation
import HopEdge
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the agent until SIGTERM/SIGINT (which flushes and exits cleanly).")

    @Option(name: .long, help: "The edge configuration file.") var config: String
    @Option(name: .long, help: "trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info

    func run() async throws {
        let edge = try loadConfig(config)
        let logger = makeLogger(level: logLevel)
        // What `check` prints as warnings (e.g. the key sent over plain http) is logged at every start.
        for warning in edge.warnings { logger.warning("\(warning)") }
        do {
            try await EdgeApp.run(config: edge, logger: logger)
        } catch {
            // Most likely a setting that only fails at start (metrics.listen busy, journal.path
            // unusable): the message names the setting, and this the file it is in.
            FileHandle.standardError.write(Data("hop-edge: \(error) (configuration \(config))\n".utf8))
            throw ExitCode(1)
        }
    }
}
