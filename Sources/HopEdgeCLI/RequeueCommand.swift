import ArgumentParser
import Foundation
import HopEdge

struct RequeueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requeue",
        abstract: "Move quarantined batches back into the journal to be sent again (the agent must be stopped).")

    @Option(name: .long, help: "The edge configuration file.") var config: String
    @Option(name: .long, help: "Only this quarantined batch (repeatable); default: all.") var seq: [Int64] = []

    func run() async throws {
        let edge = try loadConfig(config)
        do {
            let lock = try JournalLock(journalPath: edge.journal.path)
            defer { withExtendedLifetime(lock) {} }
            let journal = try SQLiteJournal(config: edge.journal)
            let (batches, records) = try await journal.requeueQuarantine(seqs: seq.isEmpty ? nil : seq)
            print("requeued \(batches) batch\(batches == 1 ? "" : "es") (\(records) records); they go out with the next run")
        } catch {
            FileHandle.standardError.write(Data("hop-edge: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
