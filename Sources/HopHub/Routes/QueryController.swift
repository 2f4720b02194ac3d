import HopHubCore
import HopHubSQLite
import HopProtocol
import Hummingbird

/// The seed's nine `GET /api/query/...` endpoints (plus `edges`). Every answer is filtered by the
/// caller's substation grants inside the store query; naming a substation outside them is a 403.
struct QueryController {
    let store: any TelemetryQueries
    let configuration: HubConfiguration

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("telemetry/latest", use: latest)
        group.get("telemetry/timeseries", use: timeSeries)
        group.get("ml/latest", use: mlLatest)
        group.get("ml/trend", use: mlTrend)
        group.get("events", use: events)
        group.get("outages/active", use: outages)
        group.get("frequency/thresholds", use: thresholds)
        group.get("frequency/rocof", use: rocof)
        group.get("substations", use: substations)
        group.get("edges", use: edges)
    }

    private func reader(_ context: HubRequestContext) throws -> Principal {
        let principal = try context.requirePrincipal()
        try principal.require(.read)
        return principal
    }

    private func window(minutes: Int) -> SeriesWindow {
        let now = SourceTime.now().epochMilliseconds
        return SeriesWindow(
            from: now - Int64(minutes) * 60_000, to: now, maxPoints: configuration.maxPointsPerSeries,
            rawFrom: now - Int64(configuration.rawRetentionDays) * 86_400_000)
    }

    @Sendable func latest(_ request: Request, context: HubRequestContext) async throws -> JSONBytesResponse {
        let scope = try QueryParameters(request: request).scope(for: try reader(context))
        let since = SourceTime.now().epochMilliseconds - Int64(configuration.latestWindowSeconds) * 1000
        return JSONBytesResponse(bytes: try await store.latestReadings(since: since, scope: scope).jsonBytes)
    }

    @Sendable func timeSeries(_ request: Request, context: HubRequestContext) async throws -> JSONBytesResponse {
        let params = QueryParameters(request: request)
        guard let substation = try params.substation(for: try reader(context)) else {
            throw HubError(.invalidParameter, "substation_id is required", field: "substation_id")
        }
        let minutes = try params.minutes(default: 60)
        let (resolution, points) = try await store.timeSeries(substation: substation, window: window(minutes: minutes))
        return JSONBytesResponse(
            bytes: TimeSeriesResponse(substationID: substation, minutes: minutes, resolutionSeconds: resolution, points: points).jsonBytes)
    }

    @Sendable func mlLatest(_ request: Request, context: HubRequestContext) async throws -> [AnomalyScore] {
        try await store.latestScores(scope: try QueryParameters(request: request).scope(for: try reader(context)))
    }

    @Sendable func mlTrend(_ request: Request, context: HubRequestContext) async throws -> JSONBytesResponse {
        let params = QueryParameters(request: request)
        let scope = try params.scope(for: try reader(context))
        let range = window(minutes: try params.minutes(default: 60))
        let scores = try await store.scoreTrend(
            since: range.from, until: range.to, scope: scope, limit: try params.limit(default: 20_000, max: 100_000),
            maxPointsPerSubstation: configuration.trendPointsPerSubstation)
        return JSONBytesResponse(bytes: scores.jsonBytes)
    }

    @Sendable func events(_ request: Request, context: HubRequestContext) async throws -> [EventRecord] {
        let params = QueryParameters(request: request)
        let scope = try params.scope(for: try reader(context))
        let since = window(minutes: try params.minutes(default: 1440)).from
        return try await store.events(since: since, scope: scope, limit: try params.limit(default: 1000, max: 10_000))
    }

    @Sendable func outages(_ request: Request, context: HubRequestContext) async throws -> [OutageRecord] {
        try await store.activeOutages(scope: try QueryParameters(request: request).scope(for: try reader(context)))
    }

    @Sendable func thresholds(_ request: Request, context: HubRequestContext) async throws -> JSONBytesResponse {
        let params = QueryParameters(request: request)
        let scope = try params.scope(for: try reader(context))
        let minutes = try params.minutes(default: 15)
        let (resolution, series) = try await store.frequencySeries(window: window(minutes: minutes), scope: scope)
        return JSONBytesResponse(
            bytes: FrequencyThresholds(
                nominalHz: configuration.frequency.nominalHz, bandLowHz: configuration.frequency.bandLowHz,
                bandHighHz: configuration.frequency.bandHighHz, minutes: minutes, resolutionSeconds: resolution, series: series
            ).jsonBytes)
    }

    /// RoCoF per substation over the range, from the same series as the threshold plot.
    @Sendable func rocof(_ request: Request, context: HubRequestContext) async throws -> FrequencyRoCoF {
        let params = QueryParameters(request: request)
        let scope = try params.scope(for: try reader(context))
        let minutes = try params.minutes(default: 15)
        let (resolution, series) = try await store.frequencySeries(window: window(minutes: minutes), scope: scope)
        return RoCoFSeriesBuilder.answer(series: series, resolutionSeconds: resolution, minutes: minutes, settings: configuration.frequency)
    }

    @Sendable func substations(_ request: Request, context: HubRequestContext) async throws -> [SubstationInfo] {
        let scope = try QueryParameters(request: request).scope(for: try reader(context))
        return try await store.substations(scope: scope, activeSince: SourceTime.now().epochMilliseconds - 300_000)
    }

    @Sendable func edges(_ request: Request, context: HubRequestContext) async throws -> [EdgeRecord] {
        try await store.edges(scope: try QueryParameters(request: request).scope(for: try reader(context)))
    }
}

extension LatestReading: ResponseEncodable {}
extension TimeSeriesResponse: ResponseEncodable {}
extension AnomalyScore: ResponseEncodable {}
extension EventRecord: ResponseEncodable {}
extension OutageRecord: ResponseEncodable {}
extension FrequencyThresholds: ResponseEncodable {}
extension FrequencyRoCoF: ResponseEncodable {}
extension SubstationInfo: ResponseEncodable {}
extension EdgeRecord: ResponseEncodable {}
extension HealthStatus: ResponseEncodable {}
