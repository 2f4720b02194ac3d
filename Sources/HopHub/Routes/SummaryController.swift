import HopHubCore
import HopHubSQLite
import HopProtocol
import Hummingbird

/// `GET /api/query/summary?minutes=`: the Executive View's totals over the caller's substations
/// (optionally one, with `substation_id`). Every input query is filtered by the caller's scope.
struct SummaryController {
    typealias Store = TelemetryQueries & SummaryLookups
    let store: any Store
    /// A substation is online when it reported within this many seconds.
    static let onlineWindowSeconds: Int64 = 120
    /// How far back an unresolved COMM_FAIL still counts.
    static let commFailLookbackDays: Int64 = 7

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("summary", use: summary)
    }

    @Sendable func summary(_ request: Request, context: HubRequestContext) async throws -> ExecutiveSummary {
        let principal = try context.requirePrincipal()
        try principal.require(.read)
        let params = QueryParameters(request: request)
        let scope = try params.scope(for: principal)
        let minutes = try params.minutes(default: 60)
        let now = SourceTime.now().epochMilliseconds
        let onlineSince = now - Self.onlineWindowSeconds * 1000
        async let substations = store.substations(scope: scope, activeSince: onlineSince)
        async let outages = store.activeOutages(scope: scope)
        async let scores = store.latestScores(scope: scope)
        async let commFail = store.commFailSubstations(since: now - Self.commFailLookbackDays * 86_400_000, scope: scope)
        async let trips = store.tripCounts(since: now - Int64(minutes) * 60_000, scope: scope)
        async let edges = store.edges(scope: scope)
        return ExecutiveSummary.build(
            now: now, minutes: minutes, substations: try await substations,
            outages: try await outages, scores: try await scores, commFail: try await commFail, trips: try await trips,
            edges: try await edges)
    }
}

extension ExecutiveSummary: ResponseEncodable {}
