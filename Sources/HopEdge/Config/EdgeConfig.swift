import HopProtocol

/// Everything one `hop-edge` process needs, loaded from one YAML file (see
/// `edge-configs/sample.yaml`, which documents every key, its range and default).
public struct EdgeConfig: Sendable, Hashable {
    /// The file this configuration was read from (for messages).
    public var sourceFile: String
    public var edgeID: EdgeID
    public var hub: HubConfig
    public var journal: JournalConfig
    public var upload: UploadConfig
    /// `host:port` for the Prometheus `/metrics` endpoint; `nil` disables it.
    public var metricsListen: String?
    public var devices: [DeviceConfig]
    /// Settings that work but deserve a second look (e.g. an API key sent over plain http to a
    /// remote hub); `check` prints them, `run` logs them.
    public var warnings: [ConfigError] = []

    public init(
        sourceFile: String, edgeID: EdgeID, hub: HubConfig, journal: JournalConfig,
        upload: UploadConfig = UploadConfig(), metricsListen: String? = nil, devices: [DeviceConfig]
    ) {
        self.sourceFile = sourceFile
        self.edgeID = edgeID
        self.hub = hub
        self.journal = journal
        self.upload = upload
        self.metricsListen = metricsListen
        self.devices = devices
    }
}

/// Where and how to reach the hub.
public struct HubConfig: Sendable, Hashable {
    /// Base URL, e.g. `https://hub.example.net`; batches go to `<url>/api/ingest/batch`.
    public var url: String
    /// The API key (read from `api_key_file`, surrounding whitespace removed).
    public var apiKey: String
    /// PEM bundle to verify the hub's certificate against instead of the system CAs.
    public var caFile: String?
    public var connectTimeout: Duration
    public var requestTimeout: Duration

    public init(
        url: String, apiKey: String, caFile: String? = nil, connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.apiKey = apiKey
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
    }

    /// The batch endpoint.
    public var batchURL: String {
        (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/api/ingest/batch"
    }
}

/// The store-and-forward journal's location and bounds.
public struct JournalConfig: Sendable, Hashable {
    public var path: String
    /// Upper bound on the journal's record bytes; beyond it the eviction policy applies.
    public var quotaBytes: Int64
    /// Keep at least this much free space on the journal's file system.
    public var minFreeDiskBytes: Int64

    public init(path: String, quotaBytes: Int64 = 256 * 1024 * 1024, minFreeDiskBytes: Int64 = 64 * 1024 * 1024) {
        self.path = path
        self.quotaBytes = quotaBytes
        self.minFreeDiskBytes = minFreeDiskBytes
    }
}

/// When a batch is cut and how retries pace themselves.
public struct UploadConfig: Sendable, Hashable {
    /// A batch is sealed once it holds this many records…
    public var maxRecords: Int
    /// …or this many bytes of uncompressed JSON…
    public var maxBytes: Int
    /// …or its oldest record has waited this long.
    public var maxAge: Duration
    public var gzip: Bool
    /// First retry delay; doubles per failure up to `backoffMax`, with jitter.
    public var backoffInitial: Duration
    public var backoffMax: Duration

    public init(
        maxRecords: Int = 5000, maxBytes: Int = 2 * 1024 * 1024, maxAge: Duration = .seconds(2),
        gzip: Bool = true, backoffInitial: Duration = .milliseconds(500), backoffMax: Duration = .seconds(60)
    ) {
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.gzip = gzip
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
    }
}
