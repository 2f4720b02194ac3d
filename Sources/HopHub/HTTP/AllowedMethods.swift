import HopHubCore
import HopHubSQLite
import Foundation

/// The methods each endpoint answers, read from the bundled OpenAPI document (plus the HTML pages it
/// does not describe), so that a known path asked with another method is answered 405 with `Allow`
/// rather than a 404 that says the path does not exist. The e2e OpenAPI contract test keeps the
/// document and the router in step.
struct AllowedMethods: Sendable {
    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter
    }

    private struct Endpoint: Sendable {
        let segments: [Segment]
        let methods: [String]
    }

    /// Only the keys of the OpenAPI document's `paths` and of each path item matter here.
    private struct Document: Decodable {
        let paths: [String: [String: Ignored]]
    }

    private struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    private static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    private let endpoints: [Endpoint]

    /// `pages`: paths answered to GET that are not part of the API document (`/login`, `/admin`).
    init(openAPI: Data?, pages: [String]) {
        var methodsByTemplate: [String: Set<String>] = [:]
        if let openAPI, let document = try? JSONDecoder().decode(Document.self, from: openAPI) {
            for (template, item) in document.paths {
                methodsByTemplate[template, default: []].formUnion(
                    item.keys.filter(Self.httpMethods.contains).map { $0.uppercased() })
            }
        }
        for page in pages { methodsByTemplate[page, default: []].insert("GET") }
        endpoints = methodsByTemplate.map { template, methods in
            Endpoint(
                segments: Self.components(template).map { $0.hasPrefix("{") && $0.hasSuffix("}") ? .parameter : .literal($0) },
                methods: methods.sorted())
        }
    }

    /// The methods `path` answers (sorted; empty when no endpoint has this path).
    func methods(for path: String) -> [String] {
        let parts = Self.components(path)
        var methods = Set<String>()
        for endpoint in endpoints where endpoint.segments.count == parts.count {
            let matches = zip(endpoint.segments, parts).allSatisfy { segment, part in
                if case .literal(let literal) = segment { return literal == part }
                return !part.isEmpty
            }
            if matches { methods.formUnion(endpoint.methods) }
        }
        if methods.contains("GET") { methods.insert("HEAD") }  // the router answers HEAD wherever GET works
        return methods.sorted()
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
