import Foundation
import HopProtocol
import Yams

extension ConfigLoader {
    /// Device names and telemetry `device_id`s must be unique across the edge; errors point at the
    /// line of the second use.
    static func checkUnique(_ devices: [DeviceConfig], nodes: [ConfigNode]) throws(ConfigError) {
        var names: Set<String> = []
        var deviceIDs: Set<DeviceID> = []
        for (i, device) in devices.enumerated() {
            let dnp3 = device.dnp3 != nil
            let fields = try nodes[i].mapping(allowed: dnp3 ? dnp3DeviceKeys : deviceKeys)
            guard names.insert(device.name).inserted else {
                throw try fields.required("name").error("device name '\(device.name)' is used twice")
            }
            let feederNodes = try fields.required("feeders").sequence()
            for (j, feeder) in device.feeders.enumerated() where !deviceIDs.insert(feeder.deviceID).inserted {
                let node = feederNodes[j]
                let at = try node.mapping(allowed: dnp3 ? dnp3FeederKeys : feederKeys).optional("device_id") ?? node
                throw ConfigError(
                    file: node.file, line: at.line, keyPath: node.path,
                    message: "device_id '\(feeder.deviceID)' is used by another feeder of this edge")
            }
        }
    }

    /// Why `path` cannot be a journal file, checked before SQLite opens it (whose errors would
    /// be "disk I/O error" and the like); `nil` when it can be.
    static func journalPathProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? "\(path) is a directory" : nil
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var ancestor = parent
        while !FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory) {
            let up = URL(fileURLWithPath: ancestor).deletingLastPathComponent().path
            if up == ancestor { return nil }
            ancestor = up
        }
        return isDirectory.boolValue ? nil : "\(ancestor) (on the way to \(path)) is not a directory"
    }

    /// Yams refuses duplicate keys without saying where; this renames the first of them and
    /// composes again to find its key path and the line of the second.
    static func duplicateKeyError(text: String, file: String, keys: [String], mark: Mark) -> ConfigError {
        let key = keys.sorted().first ?? ""
        let fallback = ConfigError(file: file, line: mark.line, keyPath: "", message: "key '\(ConfigError.echo(key))' given twice")
        let marker = "hop-duplicate-key-"
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard mark.line >= 1, mark.line <= lines.count else { return fallback }
        let line = lines[mark.line - 1]
        let column = max(0, min(mark.column - 1, line.count))
        var at = line.index(line.startIndex, offsetBy: column)
        if at < line.endIndex, line[at] == "\"" || line[at] == "'" { at = line.index(after: at) }
        guard line[at...].hasPrefix(key) else { return fallback }
        lines[mark.line - 1].insert(contentsOf: marker, at: at)
        guard let root = try? Yams.compose(yaml: lines.joined(separator: "\n"), .basic),
            let found = find(marker + key, twin: key, in: root, path: "")
        else { return fallback }
        return ConfigError(file: file, line: found.line ?? mark.line, keyPath: found.path, message: "key given twice")
    }

    /// The mapping holding `markedKey`: the key path and line of its (unmarked) twin.
    private static func find(_ markedKey: String, twin key: String, in node: Node, path: String) -> (path: String, line: Int?)? {
        switch node {
        case .mapping(let mapping):
            if mapping.keys.contains(where: { $0.string == markedKey }) {
                let twin = mapping.keys.first { $0.string == key }
                return (path.isEmpty ? key : "\(path).\(key)", twin?.mark?.line)
            }
            for (k, v) in mapping {
                let child = path.isEmpty ? (k.string ?? "?") : "\(path).\(k.string ?? "?")"
                if let found = find(markedKey, twin: key, in: v, path: child) { return found }
            }
        case .sequence(let sequence):
            for (i, v) in sequence.enumerated() {
                if let found = find(markedKey, twin: key, in: v, path: "\(path)[\(i)]") { return found }
            }
        default: break
        }
        return nil
    }
}
