import HopHubCore
import HopHubSQLite
import Foundation

/// Checks that an upload is a GeoJSON FeatureCollection (RFC 7946 §3.3) the map can draw: every
/// feature a `Feature` with a known geometry type (or null) whose coordinates are numbers nested to
/// the right depth, and properties an object or null. Errors name the first bad place.
enum GeoJSONValidator {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var problem: String
        /// Not JSON at all (400) rather than JSON of the wrong shape (422).
        var malformed = false
        var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
    }

    /// Coordinate nesting depth per geometry type (Point = a position = depth 1).
    static let depth: [String: Int] = [
        "Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3, "Polygon": 3, "MultiPolygon": 4,
    ]

    /// Returns the feature count.
    static func validate(_ data: Data) throws(Failure) -> Int {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Failure(path: "", problem: "the body is not valid JSON", malformed: true)
        }
        guard let object = root as? [String: Any] else { throw Failure(path: "", problem: "the body must be a JSON object") }
        guard object["type"] as? String == "FeatureCollection" else {
            throw Failure(path: "type", problem: "must be \"FeatureCollection\"")
        }
        guard let features = object["features"] as? [Any] else { throw Failure(path: "features", problem: "must be an array") }
        for (i, item) in features.enumerated() {
            let at = "features[\(i)]"
            guard let feature = item as? [String: Any] else { throw Failure(path: at, problem: "must be an object") }
            guard feature["type"] as? String == "Feature" else { throw Failure(path: "\(at).type", problem: "must be \"Feature\"") }
            if let properties = feature["properties"], !(properties is NSNull), !(properties is [String: Any]) {
                throw Failure(path: "\(at).properties", problem: "must be an object or null")
            }
            try geometry(feature["geometry"], at: "\(at).geometry")
        }
        return features.count
    }

    private static func geometry(_ value: Any?, at path: String) throws(Failure) {
        guard let value, !(value is NSNull) else { return }
        guard let g = value as? [String: Any], let type = g["type"] as? String else {
            throw Failure(path: path, problem: "must be null or an object with a \"type\"")
        }
        if type == "GeometryCollection" {
            guard let parts = g["geometries"] as? [Any] else { throw Failure(path: "\(path).geometries", problem: "must be an array") }
            for (i, part) in parts.enumerated() { try geometry(part, at: "\(path).geometries[\(i)]") }
            return
        }
        guard let expected = depth[type] else {
            throw Failure(path: "\(path).type", problem: "'\(type.prefix(40))' is not a GeoJSON geometry type")
        }
        guard let coordinates = g["coordinates"] else { throw Failure(path: "\(path).coordinates", problem: "is missing") }
        guard positions(coordinates, depth: expected) else {
            throw Failure(path: "\(path).coordinates", problem: "must be \(type) coordinates: arrays nested \(expected) deep of [longitude, latitude] numbers")
        }
    }

    private static func positions(_ value: Any, depth: Int) -> Bool {
        guard let array = value as? [Any] else { return false }
        if depth == 1 {
            guard (2...3).contains(array.count) else { return false }
            let numbers = array.compactMap { ($0 as? NSNumber).map(\.doubleValue) }
            guard numbers.count == array.count, numbers.allSatisfy(\.isFinite) else { return false }
            return (-180...180).contains(numbers[0]) && (-90...90).contains(numbers[1])
        }
        return array.allSatisfy { positions($0, depth: depth - 1) }
    }
}
