import HopProtocol
import Hummingbird
import Logging

/// On `/api/admin/*` routes: when a caller without the `admin` scope is refused (403), the refusal
/// is audited (`admin.denied`, outcome `denied`, with the actor, the route and the address). So it
/// cannot fill the append-only log, at most one row per actor and route is written per
/// `windowMs`; the refusals left out are counted and reported in that key's next row.
struct AdminDenialMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    let store: any LoginThrottleStore & AuditStore
    /// One row per actor and route per this long, milliseconds.
    var windowMs: Int64 = 60_000

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HubError where error.code == .forbidden {
            // The handler decides (so its own order of checks — e.g. a bad audit filter is a 400
            // for anyone — stays); a 403 to a caller without the admin scope is the refusal.
            if let principal = context.principal, !principal.scopes.contains(.admin) {
                try await record(principal, request, context)
            }
            throw error
        }
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
