import HopProtocol

/// Writes. Called by the group-commit writer only, with several writes at once: the store commits
/// them in one transaction (each write all-or-nothing) and returns one outcome per write.
public protocol IngestStore: Sendable {
    func commit(_ writes: [IngestWrite]) async throws -> [IngestOutcome]
    /// Group commits the writer may have in flight at once: 1 for a store with one writer
    /// (SQLite), more where the database runs transactions side by side.
    var concurrentCommits: Int { get }
}

extension IngestStore {
    public var concurrentCommits: Int { 1 }
}

/// Bounds of a time-series query, decided by the caller from `minutes` and the point budget.
public struct SeriesWindow: Sendable, Hashable {
    public var from: Int64
    public var to: Int64
    /// Max points per series the answer may hold.
    public var maxPoints: Int
    /// Oldest time raw readings are kept for (raw retention); older parts of a window come from rollups.
    public var rawFrom: Int64

    public init(from: Int64, to: Int64, maxPoints: Int, rawFrom: Int64 = .min) {
        self.from = from
        self.to = to
        self.maxPoints = maxPoints
        self.rawFrom = rawFrom
    }
}

/// Reads behind the `/api/query/...` endpoints. Every method filters by `scope` in the query itself.
public protocol TelemetryQueries: Sendable {
    func latestReadings(since: Int64, scope: SubstationScope) async throws -> [LatestReading]
    func timeSeries(substation: SubstationID, window: SeriesWindow) async throws -> (resolutionSeconds: Int, points: [TimeSeriesPoint])
    func frequencySeries(window: SeriesWindow, scope: SubstationScope) async throws -> (resolutionSeconds: Int, series: [FrequencySeries])
    func events(since: Int64, scope: SubstationScope, limit: Int) async throws -> [EventRecord]
    func activeOutages(scope: SubstationScope) async throws -> [OutageRecord]
    func substations(scope: SubstationScope, activeSince: Int64) async throws -> [SubstationInfo]
    func latestScores(scope: SubstationScope) async throws -> [AnomalyScore]
    /// Scores since `since`, oldest first: each substation's normal scores thinned to about
    /// `maxPointsPerSubstation` (the highest per time bucket), every anomaly kept; the newest `limit` when more.
    func scoreTrend(since: Int64, until: Int64, scope: SubstationScope, limit: Int, maxPointsPerSubstation: Int) async throws -> [AnomalyScore]
    func edges(scope: SubstationScope) async throws -> [EdgeRecord]
}

/// API keys: stored hashed, looked up by their public id.
public protocol APIKeyStore: Sendable {
    func key(id: String) async throws -> APIKeyRecord?
    func keys() async throws -> [APIKeyRecord]
}

/// What a retention pass removed.
public struct RetentionReport: Sendable, Hashable {
    public var telemetry = 0
    public var rollups = 0
    public var events = 0
    public var scores = 0
    public init() {}
}

/// Housekeeping.
public protocol MaintenanceStore: Sendable {
    func applyRetention(rawBefore: Int64, rollupBefore: Int64, eventsBefore: Int64, scoresBefore: Int64) async throws -> RetentionReport
    func databaseSizeBytes() async throws -> Int64
    /// A cheap round trip proving the database answers.
    func ping() async throws
    func close() async throws
}

/// Everything the hub needs from a store; SQLite and (later) PostgreSQL implement it and are held
/// to the same contract tests.
public typealias HubStore = IngestStore & TelemetryQueries & APIKeyStore & AuditedKeyStore & MaintenanceStore & ScoreStore & LeaseStore & AlertStore & TelemetryCompaction & AlarmStore
