import HopHubCore
import HopHubSQLite
import HopProtocol
import Hummingbird

/// `GET /api/query/alerts?minutes=&substation_id=&limit=`: the alert decision log, newest first,
/// filtered by the caller's substation grants inside the store query (entries without a substation
/// are visible to all-substation callers only).
struct AlertQueryController {
    let store: any AlertStore

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("alerts", use: alerts)
    }

    @Sendable func alerts(_ request: Request, context: HubRequestContext) async throws -> [AlertLogEntry] {
        let principal = try context.requirePrincipal()
        try principal.require(.read)
        let params = QueryParameters(request: request)
        let scope = try params.scope(for: principal)
        let since = SourceTime.now().epochMilliseconds - Int64(try params.minutes(default: 1440)) * 60_000
        return try await store.alertLog(since: since, scope: scope, limit: try params.limit(default: 500, max: 10_000))
    }
}

extension AlertLogEntry: ResponseEncodable {}
