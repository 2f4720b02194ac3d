import Foundation
import Yams

/// Flat `dotted.key → value` settings gathered from a YAML file, the environment and flags,
/// each remembering where it came from so errors can point at it.
public struct ConfigValues: Sendable {
    public struct Value: Sendable {
        public var text: String
        public var origin: String
    }

    public private(set) var values: [String: Value] = [:]

    public init() {}

    /// Loads a YAML mapping; nested mappings become dotted keys (`limits.max_body_bytes`).
    public mutating func merge(yamlFile path: String) throws(ConfigError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(origin: path, key: "(file)", problem: "cannot be read: \(error.localizedDescription)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(origin: path, key: "(file)", problem: "is not valid YAML: \(error)")
        }
        guard let node else { return }
        guard case .mapping(let mapping) = node else {
            throw ConfigError(origin: path, key: "(file)", problem: "must be a YAML mapping of keys to values")
        }
        try flatten(mapping, prefix: "", file: path)
    }

    private mutating func flatten(_ mapping: Node.Mapping, prefix: String, file: String) throws(ConfigError) {
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                throw ConfigError(origin: "\(file):\(keyNode.mark?.line ?? 0)", key: prefix, problem: "keys must be strings")
            }
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            let origin = "\(file):\(valueNode.mark?.line ?? keyNode.mark?.line ?? 0)"
            switch valueNode {
            case .mapping(let nested):
                try flatten(nested, prefix: path, file: file)
            case .scalar(let scalar):
                values[path] = Value(text: scalar.string, origin: origin)
            case .sequence(let seq):
                let items = seq.compactMap(\.string)
                values[path] = Value(text: items.joined(separator: ","), origin: origin)
            default:
                throw ConfigError(origin: origin, key: path, problem: "unsupported YAML value")
            }
        }
    }

    /// Environment variables `PREFIX_KEY_PATH` (dots and dashes become underscores, upper-cased)
    /// override the file for every key in `knownKeys`.
    public mutating func merge(environment: [String: String], prefix: String, knownKeys: [String]) {
        for key in knownKeys {
            let name = prefix + key.uppercased().replacingOccurrences(of: ".", with: "_")
                .replacingOccurrences(of: "-", with: "_")
            if let text = environment[name] {
                values[key] = Value(text: text, origin: "environment \(name)")
            }
        }
    }

    public mutating func set(_ key: String, _ text: String, origin: String) {
        values[key] = Value(text: text, origin: origin)
    }

    /// Fails on the first key no reader knows: a typo must not be silently ignored.
    public func rejectUnknown(knownKeys: Set<String>) throws(ConfigError) {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) where !knownKeys.contains(key) {
            throw ConfigError(origin: value.origin, key: key, problem: "unknown key")
        }
    }

    public func string(_ key: String) -> String? { values[key]?.text }

    public func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let v = values[key] else { return nil }
        guard let n = Int(v.text.replacingOccurrences(of: "_", with: "")) else {
            throw ConfigError(origin: v.origin, key: key, problem: "'\(v.text)' is not an integer")
        }
        guard range.contains(n) else {
            throw ConfigError(origin: v.origin, key: key, problem: "\(n) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return n
    }

    public func double(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let v = values[key] else { return nil }
        guard let n = Double(v.text), n.isFinite else {
            throw ConfigError(origin: v.origin, key: key, problem: "'\(v.text)' is not a number")
        }
        guard range.contains(n) else {
            throw ConfigError(origin: v.origin, key: key, problem: "\(n) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return n
    }

    public func origin(_ key: String) -> String { values[key]?.origin ?? "default" }
}
