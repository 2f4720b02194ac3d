import ArgumentParser
import Foundation
import HopEdge

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate a configuration and print the read plan it implies.")

    @Option(name: .long, help: "The edge configuration file.") var config: String

    func run() throws {
        let edge = try loadConfig(config)
        for warning in edge.warnings {
            FileHandle.standardError.write(Data("hop-edge: warning: \(warning)\n".utf8))
        }
        print(try CheckReport.text(for: edge))
    }
}
