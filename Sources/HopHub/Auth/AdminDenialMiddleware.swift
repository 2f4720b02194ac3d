import HopHubCore
import HopHubSQLite
import HopProtocol
import Hummingbird
import Logging

/// On `/api/admin/*` routes: only callers with the `admin` scope reach a handler. Everyone else is
/// refused here, before the handler parses anything (a non-admin's bad audit filter is a 403, not a
/// 400), and the refusal is audited (`admin.denied`, outcome `denied`, with the actor, the route
/// and the address). So it cannot fill the append-only log, at most one row per actor and route is
/// written per `windowMs`; the refusals left out are counted and reported in that key's next row.
/// Handlers still call `requireAdmin()` themselves, so a route moved out of the group stays closed.
struct AdminDenialMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    let store: any LoginThrottleStore & AuditStore
    /// One row per actor and route per this long, milliseconds.
    var windowMs: Int64 = 60_000

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let principal = try context.requirePrincipal()  // 401 without credentials
        do {
            try principal.require(.admin)
        } catch {
            try await record(principal, request, context)
            throw error
        }
        return try await next(request, context)
    }

    private func record(_ principal: Principal, _ request: Request, _ context: Context) async throws {
        // The route pattern, not the path: varying `{email}` must not make new keys.
        let route = "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)"
        let actor = AuditActor(principal, sourceAddress: context.clientAddress)
        let entry = actor.entry(.adminDenied, target: route, outcome: .denied, detail: "lacks the admin scope")
        let written = try await store.appendThrottledAudit(entry, key: "admin.denied|\(actor.name)|\(route)", windowMs: windowMs)
        context.logger.notice(
            "admin route refused", metadata: ["by": .string(actor.name), "route": .string(route), "audited": .stringConvertible(written)])
    }
}
