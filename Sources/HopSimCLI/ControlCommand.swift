import ArgumentParser
import Foundation
import HopSim

/// `hop-sim control [--to HOST:PORT] COMMAND…`: one control command to a running simulator.
struct ControlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control",
        abstract: "Send one control command (trip, restore, excursion, silent, resume, exception, clear, truth, status, help).",
        discussion: "Example: hop-sim control --to 127.0.0.1:5021 trip SUB002 FDR003")

    @Option(help: "The simulator's --control address.") var to = "127.0.0.1:5021"
    @Argument(parsing: .captureForPassthrough, help: "The command and its words.") var command: [String] = []

    func run() throws {
        let lines: [String]
        do throws(SimError) {
            lines = try ControlClient.send([command.joined(separator: " ")], to: try Endpoint(parsing: to, option: "--to"))
        } catch {
            FileHandle.standardError.write(Data("hop-sim control: \(error)\n".utf8))
            throw ExitCode.failure
        }
        for line in lines { print(line) }
        if lines.contains(where: { $0.hasPrefix("error") }) { throw ExitCode.failure }
    }
}
