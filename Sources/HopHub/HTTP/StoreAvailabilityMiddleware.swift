import HopHubCore
import Hummingbird

/// Refuses API requests at once while the store knows its database is unreachable, so they fail
/// with 503 + Retry-After (through `ErrorAndMetricsMiddleware`) instead of waiting for a connection
/// that is not coming. `/api/health` is outside it and reports the store as down.
struct StoreAvailabilityMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let availability: any StoreAvailability

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let unavailable = availability.unavailable { throw unavailable }
        return try await next(request, context)
    }
}
