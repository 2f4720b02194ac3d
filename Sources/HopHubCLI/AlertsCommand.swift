import ArgumentParser
import Foundation
import HopHub
import HopHubCore
import HopHubSQLite
import HopProtocol

/// `hop-hub alerts log`: the alert decisions (sent, or suppressed and why), newest first.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Inspect alerting.", subcommands: [Log.self])

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the alert decision log, newest first.")
        @OptionGroup var data: DataOptions
        @Option(help: "Only decisions of the last MINUTES minutes (default 1440).") var minutes = 1440
        @Option(help: "At most this many entries (default 500).") var limit = 500
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await data.openStore()
            let since = SourceTime.now().epochMilliseconds - Int64(minutes) * 60_000
            let entries = try await store.alertLog(since: since, scope: .all, limit: limit)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(entries), as: UTF8.self))
                return
            }
            print("DECIDED".padding(26) + "KIND".padding(16) + "SOURCE".padding(18) + "OUTCOME".padding(24) + "DETAIL")
            for e in entries {
                let source = [e.substationID?.rawValue, e.feederID?.rawValue].compactMap { $0 }.joined(separator: "/")
                let outcome = e.outcome + (e.reason.map { " (\($0))" } ?? "")
                print(e.decidedAt.description.padding(26) + e.kind.padding(16) + source.padding(18) + outcome.padding(24) + e.detail)
            }
        }
    }
}
