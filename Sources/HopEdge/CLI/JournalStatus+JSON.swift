import Foundation

extension JournalStatus {
    /// What `hop-edge status --json` prints: pretty-printed, sorted snake_case keys like every JSON
    /// the project emits (`in_flight`, `agent_pid`, `last_poll_latency_ms`). The keys of a device's
    /// `breakers` map are feeder ids and are printed as they are.
    public static func json(_ status: JournalStatus) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .custom { path in
            let key = path[path.count - 1]
            if path.count >= 2, path[path.count - 2].stringValue == "breakers" { return key }
            return SnakeCaseKey(snakeCase(key.stringValue))
        }
        return String(decoding: try encoder.encode(status), as: UTF8.self)
    }

    /// `agentPID` → `agent_pid`, `lastPollLatencyMs` → `last_poll_latency_ms`: a word starts at an
    /// upper-case letter after a lower-case letter or digit, or at the last capital of an acronym
    /// followed by a lower-case letter (`IDValue` → `id_value`).
    static func snakeCase(_ name: String) -> String {
        let characters = Array(name)
        var out = ""
        for (i, c) in characters.enumerated() {
            if c.isUppercase, i > 0 {
                let previous = characters[i - 1]
                let next = i + 1 < characters.count ? characters[i + 1] : nil
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) {
                    out.append("_")
                }
            }
            out += c.lowercased()
        }
        return out
    }
}

private struct SnakeCaseKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ value: String) { stringValue = value }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
