import ArgumentParser
import Foundation
import HopEdge

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show buffer depth, oldest unsent reading, last upload, quarantine and device health from the journal.")

    @Option(name: .long, help: "The edge configuration file.") var config: String
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .long, help: "Write every quarantined batch to this directory as JSON.") var exportQuarantine: String?

    func run() throws {
        let edge = try loadConfig(config)
        do {
            let status = try JournalStatus.read(path: edge.journal.path)
            if let directory = exportQuarantine {
                let files = try JournalStatus.exportQuarantine(path: edge.journal.path, to: directory)
                FileHandle.standardError.write(Data("exported \(files.count) quarantined batches to \(directory)\n".utf8))
            }
            if json {
                print(try JournalStatus.json(status))
            } else {
                print(status.text)
            }
        } catch let error as JournalError {
            FileHandle.standardError.write(Data("hop-edge: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
