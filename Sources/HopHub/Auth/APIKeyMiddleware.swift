import HopProtocol
import Logging
import Hummingbird

/// Authenticates `X-API-Key` against the key store and puts the `Principal` in the context.
/// Missing, malformed, unknown or revoked keys are all a 401 with the same message, so a caller
/// cannot probe which key ids exist.
public struct APIKeyMiddleware: RouterMiddleware {
    public typealias Context = HubRequestContext
    let keys: any APIKeyStore

    public init(keys: any APIKeyStore) {
        self.keys = keys
    }

    public func handle(
        _ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let presented = request.headers[.init("X-API-Key")!], !presented.isEmpty else {
            throw HubError(.unauthenticated, "missing X-API-Key header")
        }
        guard let parts = APIKeyGenerator.parse(presented),
            let record = try await keys.key(id: parts.id),
            record.revokedAt == nil,
            APIKeyGenerator.matches(parts.secret, digest: record.secretHash)
        else {
            throw HubError(.unauthenticated, "invalid or revoked API key")
        }
        var context = context
        context.principal = Principal(kind: .apiKey, name: record.name, scopes: record.scopes, substations: record.substations)
        context.logger[metadataKey: "api_key"] = .string(record.name)
        return try await next(request, context)
    }
}
