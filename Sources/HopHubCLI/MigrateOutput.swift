import Foundation
import HopHubCore
import Synchronization

/// What `hop-hub migrate` prints: progress on stderr (at most one line a second per table, and
/// each table's end), then the verification as a table, or as JSON with `--json`, on stdout.
final class MigrateOutput: Sendable {
    let json: Bool
    private let lastLine = Mutex<ContinuousClock.Instant?>(nil)

    init(json: Bool) { self.json = json }

    func start(source: String, target: String, layers: [String]) {
        progress("copying \(source) into \(target)")
        if !layers.isEmpty {
            progress("note: map layers (\(layers.joined(separator: ", "))) are files in the data directory, not rows: copy its layers folder to the new hub's data directory")
        }
    }

    /// Prints one migration event on stderr.
    func observe(_ event: MigrationEvent) {
        switch event {
        case .copying(let table, let sourceRows, let alreadyCopied):
            lastLine.withLock { $0 = nil }
            if alreadyCopied > 0 { progress("\(table): resuming after \(alreadyCopied) of \(sourceRows) rows") }
        case .batch(let table, let copied, let sourceRows, let rate):
            let due = lastLine.withLock { last in
                let now = ContinuousClock.now
                guard last.map({ now - $0 >= .seconds(1) }) ?? true else { return false }
                last = now
                return true
            }
            if due { progress("\(table): \(copied)/\(sourceRows) rows (\(percent(copied, sourceRows))), \(Int(rate)) rows/s") }
        case .copied(let copy) where copy.sourceRows == 0:
            progress("\(copy.table): empty")
        case .copied(let copy):
            progress("\(copy.table): \(copy.copiedRows) rows copied in \(String(format: "%.1f", copy.seconds)) s (\(Int(copy.rowsPerSecond)) rows/s)")
        case .checked(let check):
            if !check.matches { progress("\(check.table): MISMATCH (source \(check.sourceRows) rows, target \(check.targetRows) rows)") }
        }
    }

    /// Prints the report on stdout: JSON, or a line per table and a summary.
    func finish(_ report: MigrationReport) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            var fields = try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any] ?? [:]
            fields["verified"] = report.mismatches.isEmpty
            fields["mismatches"] = report.mismatches
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("TABLE".padding(24) + "SOURCE ROWS".padding(13) + "TARGET ROWS".padding(13) + "CHECKSUM".padding(18) + "RESULT")
        for check in report.checks {
            let result: String
            switch (check.matches, check.mode) {
            case (true, .equal): result = "ok"
            case (true, .contains): result = "ok (every source row is there)"
            case (false, .equal): result = check.sourceChecksum == check.targetChecksum ? "MISMATCH (count)" : "MISMATCH (checksum)"
            case (false, .contains): result = "MISMATCH (\(check.missingRows ?? 0) source rows missing)"
            case (_, .notCopied): result = "not copied (its parent table held rows before the copy)"
            }
            print(check.table.padding(24) + "\(check.sourceRows)".padding(13) + "\(check.targetRows)".padding(13)
                + String(check.sourceChecksum.prefix(16)).padding(18) + result)
        }
        let rate = report.seconds > 0 ? Int(Double(report.copiedRows) / report.seconds) : 0
        print("\(report.copiedRows) rows copied in \(String(format: "%.1f", report.seconds)) s (\(rate) rows/s overall, verification included)")
        for (table, reason) in report.skipped.sorted(by: { $0.key < $1.key }) { print("not copied: \(table): \(reason)") }
        if report.mismatches.isEmpty {
            print("verified: every table has the same rows on both sides")
        } else {
            print("verification FAILED: \(report.mismatches.joined(separator: ", ")) differ")
        }
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private func percent(_ part: Int, _ whole: Int) -> String {
        whole > 0 ? "\(part * 100 / whole)%" : "100%"
    }
}
