import ArgumentParser
import Foundation
import HopHub
import HopHubCore
import HopHubSQLite
import HopProtocol

/// `hop-hub audit list|export`: read the append-only audit log on the hub host.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and export the audit log (logins, admin actions, key changes).",
        subcommands: [List.self, Export.self])

    /// The filter options both subcommands take (the same names as `GET /api/admin/audit`).
    struct FilterOptions: ParsableArguments {
        @Option(help: "Only entries at or after this RFC 3339 time, e.g. 2026-11-01T00:00:00Z.") var since: String?
        @Option(help: "Only entries before this RFC 3339 time.") var until: String?
        @Option(help: "Only this actor: a user's email, key:<name> or cli.") var actor: String?
        @Option(help: "Only this action, e.g. login, user.update, key.rotate.") var action: String?
        @Option(help: "Only this target: a user's email or a key name.") var target: String?
        @Option(help: "Only this outcome: success, failure or denied.") var outcome: String?
        @Option(name: .customLong("before-id"), help: "Only entries older than this id (the last id of a previous page).")
        var beforeID: String?

        /// The options as a filter; a bad value stops with a message naming the option.
        func filter(limit: Int?) throws -> AuditFilter {
            var parameters: [String: String] = [:]
            parameters["since"] = since
            parameters["until"] = until
            parameters["actor"] = actor
            parameters["action"] = action
            parameters["target"] = target
            parameters["outcome"] = outcome
            parameters["before_id"] = beforeID
            parameters["limit"] = limit.map(String.init)
            do {
                return try AuditFilter(parameters: parameters)
            } catch {
                let option = error.field.map { $0.replacingOccurrences(of: "_", with: "-") } ?? "filter"
                throw ValidationError("--\(option): \(error.message)")
            }
        }
    }

    /// `hop-hub audit list`: a table, newest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print audit entries, newest first, as a table.")
        @OptionGroup var data: DataOptions
        @OptionGroup var filters: FilterOptions
        @Option(help: "At most this many entries, 1–10000 (default 50).") var limit = 50
        @Flag(help: "Print JSON (the API's entry objects, newest first).") var json = false

        static let widths = [8, 25, 28, 22, 24, 9, 16]

        /// One table line: every column padded to its width but the last.
        static func row(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() {
                line += index < widths.count ? cell.padding(widths[index]) : cell
            }
            return line
        }

        func run() async throws {
            let filter = try filters.filter(limit: limit)
            let store = try await data.openStore()
            let entries = try await store.auditEntries(filter)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(entries.map(AuditEntryView.init)), as: UTF8.self))
            } else {
                print(Self.row(["ID", "AT", "ACTOR", "ACTION", "TARGET", "OUTCOME", "FROM", "DETAIL"]))
                for e in entries {
                    let at = SourceTime(epochMilliseconds: e.at).rfc3339
                    print(
                        Self.row([
                            e.id.map(String.init) ?? "-", at, e.actor, e.action.rawValue, e.target ?? "-", e.outcome.rawValue,
                            e.sourceAddress ?? "-", e.detail,
                        ]))
                }
            }
            if entries.count == filter.limit, let last = entries.last?.id {
                FileHandle.standardError.write(
                    Data("(showing \(filter.limit); older ones: --before-id \(last), or audit export for all)\n".utf8))
            }
        }
    }

    /// `hop-hub audit export`: every matching entry, oldest first, as CSV or JSON.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export every matching audit entry, oldest first, as CSV (RFC 4180) or JSON.",
            discussion: "Progress and a summary go to stderr; the export goes to --output or stdout.")
        /// The export formats.
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

        @OptionGroup var data: DataOptions
        @OptionGroup var filters: FilterOptions
        @Option(help: "csv or json (default csv).") var format: Format = .csv
        @Option(help: "Write to this file (created 0600) instead of stdout.") var output: String?

        func run() async throws {
            let filter = try filters.filter(limit: nil)
            let store = try await data.openStore()
            let sink = try AuditExportSink(path: output)
            let expected = try await store.auditCount(filter)
            let started = Date()
            var written = 0
            var first = true
            sink.write(format == .csv ? AuditCSV.header : "[")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try await store.exportAudit(filter) { page in
                var chunk = ""
                for entry in page {
                    switch format {
                    case .csv: chunk += AuditCSV.line(entry)
                    case .json:
                        chunk += (first ? "\n" : ",\n") + String(decoding: try encoder.encode(AuditEntryView(entry)), as: UTF8.self)
                        first = false
                    }
                }
                sink.write(chunk)
                let tenthsBefore = written * 10 / max(expected, 1)
                written += page.count
                // Large exports report each tenth done, so a long run is visibly alive.
                if expected > 20_000, written * 10 / max(expected, 1) > tenthsBefore {
                    Self.note("audit export: \(written) of \(expected) entries")
                }
            }
            if format == .json { sink.write(first ? "]\n" : "\n]\n") }
            try sink.close()
            let seconds = Date().timeIntervalSince(started)
            Self.note(
                "exported \(written) audit entries as \(format.rawValue) to \(output ?? "stdout") in \(String(format: "%.2f", seconds)) s")
        }

        /// A line on stderr (progress and summary never mix with the export on stdout).
        static func note(_ text: String) {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }
}

/// Where an export goes: a new file (mode 0600, replacing any old one) or stdout.
final class AuditExportSink {
    let handle: FileHandle
    let ownsHandle: Bool

    /// Opens `path` (created 0600, replacing any old file) or stdout when nil.
    init(path: String?) throws {
        guard let path else {
            handle = .standardOutput
            ownsHandle = false
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let file = FileHandle(forWritingAtPath: path)
        else {
            throw ValidationError("--output: cannot create '\(path)'")
        }
        handle = file
        ownsHandle = true
    }

    /// Appends text.
    func write(_ text: String) {
        handle.write(Data(text.utf8))
    }

    /// Closes the file (stdout stays open).
    func close() throws {
        if ownsHandle { try handle.close() }
    }
}
