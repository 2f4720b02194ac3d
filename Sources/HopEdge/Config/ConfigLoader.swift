import Foundation
import HopProtocol
import Yams

/// Reads and validates an edge configuration file and the profiles it references.
///
/// Every problem becomes a `ConfigError` naming the file, line and key path. Relative paths in the
/// file (`api_key_file`, `ca_file`, `journal.path`, `profiles_dir`) are relative to its directory.
public struct ConfigLoader: Sendable {
    public init() {}

    /// Loads `path`, resolves profiles, and validates the result.
    public func load(path: String) throws(ConfigError) -> EdgeConfig {
        let root = try Self.parse(file: path)
        let baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let top = try root.mapping(allowed: [
            "edge_id", "hub", "journal", "upload", "metrics", "profiles_dir", "devices",
        ])
        let edgeID = try top.required("edge_id").identifier()
        var warnings: [ConfigError] = []
        let hub = try hubConfig(top.required("hub"), base: baseDirectory, warnings: &warnings)
        let journal = try journalConfig(top.required("journal"), base: baseDirectory)
        let upload = try top.optional("upload").map { (n) throws(ConfigError) in try uploadConfig(n) } ?? UploadConfig()
        var metricsListen: String?
        if let metrics = top.optional("metrics") {
            let fields = try metrics.mapping(allowed: ["listen"])
            if let listen = fields.optional("listen") {
                let text = try listen.string()
                guard let (host, _) = Self.splitHostPort(text) else {
                    throw listen.error("'\(ConfigError.echo(text))' is not host:port (port 1…65535), e.g. 127.0.0.1:9464")
                }
                guard HostName.isValid(host) else {
                    throw listen.error("'\(ConfigError.echo(host))' is not a host name or IP address")
                }
                metricsListen = text
            }
        }
        let profilesDirectory = try top.optional("profiles_dir").map { (n) throws(ConfigError) in
            Self.resolve(try n.string(), base: baseDirectory)
        } ?? Self.resolve("profiles", base: baseDirectory)
        var profiles = ProfileLoader(directory: profilesDirectory)
        let devicesNode = try top.required("devices")
        let deviceNodes = try devicesNode.sequence()
        var devices: [DeviceConfig] = []
        for node in deviceNodes {
            devices.append(try deviceConfig(node, profiles: &profiles))
        }
        guard !devices.isEmpty else { throw devicesNode.error("at least one device is required") }
        try Self.checkUnique(devices, nodes: deviceNodes)
        for (device, node) in zip(devices, deviceNodes) {
            if let serial = device.transport.serial, let problem = Self.serialDeviceProblem(serial.device) {
                warnings.append(
                    node.error("serial device \(serial.device) \(problem); run keeps retrying it (an adapter plugged in later is used)"))
            }
        }
        var config = EdgeConfig(
            sourceFile: path, edgeID: EdgeID(edgeID), hub: hub, journal: journal, upload: upload,
            metricsListen: metricsListen, devices: devices)
        config.warnings = warnings
        return config
    }

    static func parse(file path: String) throws(ConfigError) -> ConfigNode {
        let text: String
        do {
            text = try FileText.text(at: path)
        } catch {
            throw ConfigError(file: path, keyPath: "", message: "the file \(error)")
        }
        let node: Node?
        do {
            // The basic resolver: every plain scalar stays a string that ConfigNode interprets
            // itself (Yams' default resolver compiles ICU regular expressions, resident for the
            // life of the agent).
            node = try Yams.compose(yaml: text, .basic)
        } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
            throw duplicateKeyError(text: text, file: path, keys: keys, mark: context.mark)
        } catch let yamlError as YamlError {
            throw ConfigError(file: path, keyPath: "", message: "not valid YAML: \(yamlError)")
        } catch {
            throw ConfigError(file: path, keyPath: "", message: "not valid YAML: \(error)")
        }
        guard let node else { throw ConfigError(file: path, keyPath: "", message: "the file is empty") }
        return ConfigNode(node: node, path: "", file: path)
    }

    static func resolve(_ path: String, base: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }

    /// `host:port` → parts, accepting `[v6]:port`.
    static func splitHostPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    private func journalConfig(_ node: ConfigNode, base: String) throws(ConfigError) -> JournalConfig {
        let f = try node.mapping(allowed: ["path", "quota", "min_free_disk"])
        let pathNode = try f.required("path")
        var journal = JournalConfig(path: Self.resolve(try pathNode.string(), base: base))
        if let problem = Self.journalPathProblem(journal.path) { throw pathNode.error(problem) }
        if let n = f.optional("quota") { journal.quotaBytes = try n.bytes(in: 64 * 1024 ... Int64.max / 2) }
        if let n = f.optional("min_free_disk") { journal.minFreeDiskBytes = try n.bytes(in: 0 ... Int64.max / 2) }
        return journal
    }

    private func uploadConfig(_ node: ConfigNode) throws(ConfigError) -> UploadConfig {
        let f = try node.mapping(allowed: ["max_records", "max_bytes", "max_age", "gzip", "backoff_initial", "backoff_max"])
        var upload = UploadConfig()
        if let n = f.optional("max_records") { upload.maxRecords = try n.int(in: 1...20_000) }
        if let n = f.optional("max_bytes") { upload.maxBytes = Int(try n.bytes(in: 4096 ... 64 * 1024 * 1024)) }
        if let n = f.optional("max_age") { upload.maxAge = try n.duration(in: .milliseconds(10) ... .seconds(3600)) }
        if let n = f.optional("gzip") { upload.gzip = try n.bool() }
        if let n = f.optional("backoff_initial") { upload.backoffInitial = try n.duration(in: .milliseconds(10) ... .seconds(60)) }
        if let n = f.optional("backoff_max") {
            upload.backoffMax = try n.duration(in: .milliseconds(10) ... .seconds(3600))
            guard upload.backoffMax >= upload.backoffInitial else { throw n.error("must be at least backoff_initial") }
        }
        return upload
    }
}
