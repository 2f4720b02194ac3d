import HopHubCore
import HopHubSQLite
import Foundation
import HTTPTypes
import Hummingbird

/// Security headers on every answer the hub serves (pages, static files, API; thrown errors become
/// JSON answers outside this middleware and go without them): a strict
/// Content-Security-Policy (no inline script or style, no framing, only this origin plus the map
/// tile host for images), `nosniff`, no referrer, no framing.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let contentSecurityPolicy: String

    init(tileURL: String) {
        let tiles = Self.tileSource(tileURL).map { " \($0)" } ?? ""
        contentSecurityPolicy = [
            "default-src 'self'", "img-src 'self' data:\(tiles)", "style-src 'self'", "script-src 'self'",
            "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
        ].joined(separator: "; ")
    }

    /// The CSP source for a tile URL template: scheme and host, a `{s}` subdomain as `*`
    /// (`https://{s}.tile.example.org/{z}/{x}/{y}.png` → `https://*.tile.example.org`). Nil for
    /// same-origin paths and an empty template.
    static func tileSource(_ template: String) -> String? {
        guard let schemeEnd = template.range(of: "://") else { return nil }
        let scheme = template[..<schemeEnd.lowerBound]
        let rest = template[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty else { return nil }
        var host = String(authority)
        if let brace = host.firstIndex(of: "{"), let close = host[brace...].firstIndex(of: "}") {
            // A placeholder label becomes a wildcard label; CSP allows `*` only as the leftmost label.
            host = "*" + host[host.index(after: close)...]
        }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:*".contains($0) }) else { return nil }
        return "\(scheme)://\(host)"
    }

    func handle(
        _ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }
}
