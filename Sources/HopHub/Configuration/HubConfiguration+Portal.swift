import Foundation

/// Reading the portal settings (`portal.*`).
extension HubConfiguration {
    /// File keys of this part; also `HOP_HUB_<KEY>` environment variables.
    public static let portalKeys: [String] = [
        "portal.directory", "portal.vendor_directory", "portal.tile_url", "portal.tile_attribution",
    ]

    mutating func loadPortal(_ values: ConfigValues) throws(ConfigError) {
        portal.directory = try Self.existingDirectory(values, "portal.directory") ?? portal.directory
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
