/// A configuration problem, located as precisely as the source allows.
///
/// Rendered as `FILE:LINE: KEY.PATH: problem`, e.g.
/// `edge.yaml:14: devices[0].feeders[1].profile: no profile named 'abb-ref615' in profiles/`.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the problem is in (the edge config or a profile).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// Dotted key path from the document root, e.g. `devices[0].unit_id`.
    public var keyPath: String
    /// What is wrong and, where possible, what would be right.
    public var message: String

    public init(file: String, line: Int? = nil, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

extension ConfigError {
    /// Characters of a value echoed in a message before it is cut.
    static let echoLimit = 80

    /// `value` as quoted in a message: at most `echoLimit` characters, then `… (N characters)`, so a
    /// runaway value (a 50 MB `edge_id`) never floods the terminal or the journal.
    public static func echo(_ value: String) -> String {
        var prefix = ""
        var count = 0
        for character in value {
            if count < echoLimit { prefix.append(character) }
            count += 1
        }
        return count <= echoLimit ? value : "\(prefix)… (\(count) characters)"
    }
}
