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
        do {
            try await EdgeApp.run(config: edge, logger: makeLogger(level: logLevel))
        } catch let error as JournalError {
            FileHandle.standardError.write(Data("hop-edge: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
