import Foundation
import HopProtocol

/// The audit log as CSV (RFC 4180: CRLF line ends, fields with `,` `"` CR or LF quoted, quotes
/// doubled). Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
/// CR) get a leading `'` so that opening an export can never execute attacker-chosen text such as an
/// email typed at a failed login.
public enum AuditCSV {
    /// The header row's column names, in order.
    public static let columns = ["id", "at", "actor", "action", "target", "source_address", "outcome", "detail"]

    /// The header line, CRLF-terminated.
    public static var header: String { line(columns) }

    /// One entry as a CRLF-terminated line; `at` as RFC 3339 UTC with milliseconds.
    public static func line(_ entry: AuditEntry) -> String {
        line([
            entry.id.map(String.init) ?? "", SourceTime(epochMilliseconds: entry.at).rfc3339, entry.actor,
            entry.action.rawValue, entry.target ?? "", entry.sourceAddress ?? "", entry.outcome.rawValue, entry.detail,
        ])
    }

    /// A whole document: header and one line per entry.
    public static func document(_ entries: [AuditEntry]) -> String {
        entries.reduce(into: header) { $0 += line($1) }
    }

    /// Cells joined by commas, CRLF-terminated.
    static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    /// One field: formula-guarded, then quoted when RFC 4180 requires it.
    public static func cell(_ raw: String) -> String {
        var text = raw
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
