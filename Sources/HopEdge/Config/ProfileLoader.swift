import Foundation

/// Loads register-map profiles (`<directory>/<name>.yaml`) by name, once each.
struct ProfileLoader {
    let directory: String
    private var cache: [String: RegisterMap] = [:]

    init(directory: String) { self.directory = directory }

    /// The named profile's map with relative addresses; errors point at `reference` when the
    /// profile is missing and into the profile file when it is malformed.
    mutating func profile(named name: String, reference: ConfigNode) throws(ConfigError) -> RegisterMap {
        if let cached = cache[name] { return cached }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
        guard name.allSatisfy({ allowed.contains($0) }) else {
            throw reference.error("'\(name)' is not a profile name (letters, digits, _ . -)")
        }
        let file = URL(fileURLWithPath: directory).appendingPathComponent("\(name).yaml").path
        guard FileManager.default.fileExists(atPath: file) else {
            throw reference.error("no profile named '\(name)' (looked for \(file))")
        }
        let root = try ConfigLoader.parse(file: file)
        let f = try root.mapping(allowed: ["profile", "description", "points", "breaker"])
        let declared = try f.required("profile")
        guard try declared.string() == name else {
            throw declared.error("the file \(name).yaml declares profile '\(try declared.string())'; they must match")
        }
        if let d = f.optional("description") { _ = try d.string() }
        var map = RegisterMap()
        if let points = f.optional("points") { map.points = try RegisterMapParser.points(points) }
        if let breaker = f.optional("breaker") { map.breaker = try RegisterMapParser.breaker(breaker) }
        guard !map.points.isEmpty || map.breaker != nil else {
            throw root.error("a profile needs points, a breaker, or both")
        }
        cache[name] = map
        return map
    }
}
