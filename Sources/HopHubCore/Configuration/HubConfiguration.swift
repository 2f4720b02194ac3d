import HopProtocol

/// Every setting of `hop-hub serve`, with its default. docs/hub-configuration.md lists them with
/// their file keys and environment variables; keep the two in step.
public struct HubConfiguration: Sendable {
    /// Directory holding the SQLite database (`hop.sqlite`, WAL mode) and portal layers. Created if missing.
    public var dataDirectory: String
    public var host = "127.0.0.1"
    public var port = 8080
    public var logLevel = "info"

    /// Largest body of a single-record request (`/api/ingest/telemetry|event|outage`), bytes.
    public var maxBodyBytes = 64 * 1024
    /// Largest batch body as sent (possibly gzip), bytes.
    public var maxBatchBytes = 8 * 1024 * 1024
    /// Largest batch body after gzip decompression, bytes.
    public var maxDecompressedBytes = 32 * 1024 * 1024
    public var validation = ValidationLimits()

    /// Records waiting for the group-commit writer beyond which ingest answers 503 + Retry-After.
    public var writerMaxPendingRecords = 250_000
    public var retryAfterSeconds = 1

    public var rawRetentionDays = 30
    public var rollupRetentionDays = 400
    public var eventRetentionDays = 400
    public var scoreRetentionDays = 90
    public var retentionIntervalSeconds = 3600

    /// Time-series answers return at most this many points per series.
    public var maxPointsPerSeries = 1500
    /// `ml/trend` over long ranges keeps at most this many buckets (each its highest normal
    /// score) per substation, besides every anomaly: about what the trend's scatter plot can draw
    /// apart (240 dots 5 px wide across a 1,200 px chart).
    public var trendPointsPerSubstation = 240
    /// `/api/query/telemetry/latest` returns readings newer than this.
    public var latestWindowSeconds = 60
    /// How frequency is judged: preset, normal band, alarm limits, persistence, UFLS and RoCoF (`frequency.*`).
    public var frequency = FrequencySettings()

    /// Anomaly scorer (`scoring.*`), alert rules and recipients (`alerts.*`, `portal_url`), mail relay (`smtp.*`).
    public var scoring = ScoringSettings()
    public var alerting = AlertSettings()
    /// Alarm management: priorities, shelving limit, silence (`alarms.*`).
    public var alarms = AlarmSettings()
    public var smtp = SMTPSettings()
    /// Portal files, vendor libraries and map tiles (`portal.*`).
    public var portal = PortalSettings()
    /// Accounts, sessions and login throttling (`accounts.*`, `sessions.*`, `login.*`, `http.trusted_proxies`).
    public var accounts = AccountSettings()
    /// Raw telemetry head and chunk compaction (`storage.*`).
    public var storage = StorageSettings()
    /// HTTP server timeouts and the per-address connection cap (`http.*`).
    public var http = HTTPServerSettings()
    /// Which backend stores the data (`store`): the SQLite file in `dataDirectory` or PostgreSQL.
    public var store = StoreKind.sqlite
    /// The PostgreSQL database (`postgres.*`; the password from `HOP_HUB_POSTGRES_PASSWORD`).
    public var postgres = PostgresSettings()

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    public var databasePath: String { dataDirectory + "/hop.sqlite" }
}
