import HopHubCore
import HopHubSQLite
import Foundation

/// Map layers (GeoJSON FeatureCollections uploaded by admins), one file per layer:
/// `<data dir>/layers/<name>.geojson`, replaced atomically (write to a temporary file, rename).
public struct LayerStore: Sendable {
    public let directory: String

    public init(dataDirectory: String) {
        directory = dataDirectory + "/layers"
    }

    /// Names are `[a-z0-9-]{1,40}`: safe as file names and in URLs.
    public static func isValidName(_ name: String) -> Bool {
        (1...40).contains(name.utf8.count) && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }

    private func path(_ name: String) -> String { directory + "/" + name + ".geojson" }

    /// Layer names, sorted.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".geojson") }.map { String($0.dropLast(".geojson".count)) }
            .filter(Self.isValidName).sorted()
    }

    /// The layer's bytes, nil when there is no such layer.
    public func read(_ name: String) -> Data? {
        guard Self.isValidName(name) else { return nil }
        return FileManager.default.contents(atPath: path(name))
    }

    /// Stores (or replaces) a layer. Returns whether it replaced an existing one.
    @discardableResult
    public func write(_ name: String, _ data: Data) throws -> Bool {
        precondition(Self.isValidName(name))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let existed = FileManager.default.fileExists(atPath: path(name))
        let temporary = directory + "/.\(name).\(UUID().uuidString).tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, path(name)) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path(name), "errno": code])
        }
        return existed
    }

    /// Deletes a layer. Returns false when there was none.
    public func delete(_ name: String) throws -> Bool {
        guard Self.isValidName(name), FileManager.default.fileExists(atPath: path(name)) else { return false }
        try FileManager.default.removeItem(atPath: path(name))
        return true
    }
}
