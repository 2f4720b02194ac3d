import Yams

/// A YAML node together with where it came from, so every accessor can fail with a
/// `ConfigError` that names the file, the line and the key path.
struct ConfigNode {
    let node: Node
    let path: String
    let file: String

    /// 1-based line of the node in its file.
    var line: Int? { node.mark.map { $0.line } }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, keyPath: path, message: message)
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The node as a mapping whose keys must all be in `allowed`.
    func mapping(allowed: [String]) throws(ConfigError) -> ConfigFields {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value pairs)") }
        var values: [String: ConfigNode] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                throw ConfigError(file: file, line: keyNode.mark?.line, keyPath: path, message: "keys must be strings")
            }
            let child = ConfigNode(node: valueNode, path: childPath(key), file: file)
            guard allowed.contains(key) else {
                let hint = allowed.sorted().joined(separator: ", ")
                throw ConfigError(
                    file: file, line: keyNode.mark?.line, keyPath: child.path,
                    message: "unknown key '\(ConfigError.echo(key))' (allowed here: \(hint))")
            }
            guard values[key] == nil else {
                throw ConfigError(file: file, line: keyNode.mark?.line, keyPath: child.path, message: "key given twice")
            }
            values[key] = child
        }
        return ConfigFields(owner: self, values: values)
    }

    /// The node as a sequence of child nodes (`path[0]`, `path[1]`, …).
    func sequence() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let seq) = node else { throw error("expected a list") }
        return seq.enumerated().map { ConfigNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a single value") }
        let text = scalar.string
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let text = try string()
        guard let value = Int(text) else {
            let digits = text.drop(while: { $0 == "-" || $0 == "+" })
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw error("'\(ConfigError.echo(text))' is not an integer")
            }
            throw error("\(ConfigError.echo(text)) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        guard range.contains(value) else {
            throw error("\(value) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let text = try string()
        guard let value = Double(text), value.isFinite else { throw error("'\(ConfigError.echo(text))' is not a number") }
        guard range.contains(value) else {
            throw error("\(ConfigError.echo(text)) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    func bool() throws(ConfigError) -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }

    func duration(in range: ClosedRange<Duration>) throws(ConfigError) -> Duration {
        let text = try string()
        guard let ms = Units.durationMilliseconds(text) else {
            throw error("'\(ConfigError.echo(text))' is not a duration; write it with a unit, e.g. 500ms, 5s, 2m, 1h")
        }
        // Compare as Double first: a huge number must not reach an integer conversion.
        let outOfRange = error(
            "\(ConfigError.echo(text)) is out of range \(range.lowerBound.compact)…\(range.upperBound.compact)")
        guard ms >= Double(range.lowerBound.milliseconds), ms <= Double(range.upperBound.milliseconds),
            let whole = Int64(exactly: ms.rounded()), range.contains(.milliseconds(whole))
        else { throw outOfRange }
        return .milliseconds(whole)
    }

    func bytes(in range: ClosedRange<Int64>) throws(ConfigError) -> Int64 {
        let text = try string()
        guard let count = Units.byteCount(text) else {
            throw error("'\(ConfigError.echo(text))' is not a size; write bytes or a unit, e.g. 512KiB, 256MiB, 1GB")
        }
        // Compare as Double first: a huge number must not reach an integer conversion.
        guard count >= Double(range.lowerBound), count <= Double(range.upperBound),
            let value = Int64(exactly: count), range.contains(value)
        else {
            throw error("\(ConfigError.echo(text)) is out of range \(range.lowerBound)…\(range.upperBound) bytes")
        }
        return value
    }

    func choice<T: RawRepresentable & CaseIterable>(_: T.Type) throws(ConfigError) -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else {
            let options = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("'\(ConfigError.echo(text))' is not one of: \(options)")
        }
        return value
    }

    /// An identifier per the wire protocol: 1…64 characters of `A–Z a–z 0–9 _ . : -`.
    func identifier() throws(ConfigError) -> String {
        let text = try string()
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")
        guard text.count <= 64, text.allSatisfy({ allowed.contains($0) }) else {
            throw error("'\(ConfigError.echo(text))' is not a valid identifier (1…64 characters of A–Z a–z 0–9 _ . : -)")
        }
        return text
    }
}

/// A validated mapping: required and optional children by key.
struct ConfigFields {
    let owner: ConfigNode
    let values: [String: ConfigNode]

    func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let value = values[key] else {
            let path = owner.path.isEmpty ? key : "\(owner.path).\(key)"
            throw ConfigError(file: owner.file, line: owner.line, keyPath: path, message: "required key is missing")
        }
        return value
    }

    func optional(_ key: String) -> ConfigNode? { values[key] }
}
