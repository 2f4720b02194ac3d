import HopHubCore
import HopHubSQLite
import HopProtocol
import Foundation
import HTTPTypes
import Hummingbird

/// Checks paths under the static prefixes (`/portal`, `/vendor`) before the file middleware sees
/// them: a path with control characters once decoded (`%00` would cut the file name short) is a
/// 400, a path with an empty segment (`//`) is a 404, and a directory asked without its trailing
/// slash is redirected to the same path with one — under its prefix, never to a bare `//host`
/// URL (the framework's own redirect drops the prefix).
struct StaticPathGuard: RouterMiddleware {
    typealias Context = HubRequestContext
    /// URL prefix → the directory it serves.
    let roots: [(prefix: String, directory: String)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let raw = request.uri.path
        guard let root = roots.first(where: { raw == $0.prefix || raw.hasPrefix($0.prefix + "/") }) else {
            return try await next(request, context)
        }
        guard let path = raw.removingPercentEncoding else {
            throw HubError(.malformedRequest, "the path is not valid percent-encoded UTF-8")
        }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw HubError(.malformedRequest, "the path must not contain control characters")
        }
        if path.split(separator: "/").contains("..") {
            throw HubError(.malformedRequest, "the path must not contain '..' segments")
        }
        if path.contains("//") {
            throw HubError(.notFound, "no such file: \(raw.prefix(200))")
        }
        if !path.hasSuffix("/"), Self.isDirectory(root.directory + path.dropFirst(root.prefix.count)) {
            let query = request.uri.query.map { "?" + $0 } ?? ""
            return Response(status: .movedPermanently, headers: [.location: raw + "/" + query])
        }
        return try await next(request, context)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
