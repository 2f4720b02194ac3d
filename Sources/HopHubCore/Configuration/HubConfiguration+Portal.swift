import Foundation

/// Reading the portal and live feed settings (`portal.*`, `live.*`).
extension HubConfiguration {
    /// File keys of this part; also `HOP_HUB_<KEY>` environment variables.
    public static let portalKeys: [String] = [
        "portal.directory", "portal.vendor_directory", "portal.tile_url", "portal.tile_attribution",
        "portal.stale_after_s", "portal.layer_max_bytes",
        "live.buffer_messages", "live.history_messages", "live.max_streams", "live.heartbeat_s", "live.coalesce_ms",
        "live.retry_ms", "live.max_streams_per_caller",
    ]

    mutating func loadPortal(_ values: ConfigValues) throws(ConfigError) {
        if let directory = try Self.existingDirectory(values, "portal.directory") {
            portal.directory = directory
        } else if !FileManager.default.fileExists(atPath: portal.directory), let installed = Self.installedPortalDirectory() {
            portal.directory = installed
        }
        portal.vendorDirectory = try Self.existingDirectory(values, "portal.vendor_directory") ?? portal.vendorDirectory
        if let url = values.string("portal.tile_url") {
            guard url.isEmpty || url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("/") else {
                throw ConfigError(
                    origin: values.origin("portal.tile_url"), key: "portal.tile_url",
                    problem: "'\(url)' is not an http(s) URL template, a path, or empty (no base layer)")
            }
            portal.tileURL = url
        }
        portal.tileAttribution = values.string("portal.tile_attribution") ?? portal.tileAttribution
        portal.staleAfterSeconds = try values.int("portal.stale_after_s", in: 5...86_400) ?? portal.staleAfterSeconds
        portal.layerMaxBytes = try values.int("portal.layer_max_bytes", in: 1024...(256 * 1024 * 1024)) ?? portal.layerMaxBytes
        var live = portal.live
        live.bufferMessages = try values.int("live.buffer_messages", in: 16...1_000_000) ?? live.bufferMessages
        live.historyMessages = try values.int("live.history_messages", in: 0...1_000_000) ?? live.historyMessages
        live.maxStreams = try values.int("live.max_streams", in: 1...100_000) ?? live.maxStreams
        live.maxStreamsPerCaller = try values.int("live.max_streams_per_caller", in: 1...100_000) ?? live.maxStreamsPerCaller
        live.heartbeatSeconds = try values.int("live.heartbeat_s", in: 1...300) ?? live.heartbeatSeconds
        live.coalesceMilliseconds = try values.int("live.coalesce_ms", in: 0...10_000) ?? live.coalesceMilliseconds
        live.retryMilliseconds = try values.int("live.retry_ms", in: 100...600_000) ?? live.retryMilliseconds
        portal.live = live
    }

    /// `<binary's directory>/../portal` when it exists: the installed layout (`/opt/hop/bin/hop-hub`
    /// next to `/opt/hop/portal`), used when `portal.directory` is not set and `./portal` is absent.
    static func installedPortalDirectory() -> String? {
        guard let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
        let path = executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("portal").path
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
    }

    private static func existingDirectory(_ values: ConfigValues, _ key: String) throws(ConfigError) -> String? {
        guard let path = values.string(key) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(origin: values.origin(key), key: key, problem: "'\(path)' is not a directory")
        }
        return path
    }
}
