/// Health an edge reports with every batch; the hub keeps the latest per edge and serves it at
/// `GET /api/query/edges`.
public struct EdgeHealth: Codable, Hashable, Sendable {
    /// Readings and events in the journal not yet acknowledged by the hub.
    public var journalDepth: Int64
    /// Age in seconds of the oldest unsent record (0 when the journal is empty).
    public var oldestUnsentAgeSeconds: Double
    /// Records evicted because the journal reached its quota or the disk its floor (since install).
    public var evictedTotal: Int64
    /// Batches the hub refused with a permanent error and that were set aside (since install).
    public var quarantinedTotal: Int64
    public var devices: [DeviceHealth]
    public var agentVersion: String?

    public init(
        journalDepth: Int64, oldestUnsentAgeSeconds: Double, evictedTotal: Int64, quarantinedTotal: Int64,
        devices: [DeviceHealth], agentVersion: String? = nil
    ) {
        self.journalDepth = journalDepth
        self.oldestUnsentAgeSeconds = oldestUnsentAgeSeconds
        self.evictedTotal = evictedTotal
        self.quarantinedTotal = quarantinedTotal
        self.devices = devices
        self.agentVersion = agentVersion
    }

    enum CodingKeys: String, CodingKey {
        case journalDepth = "journal_depth"
        case oldestUnsentAgeSeconds = "oldest_unsent_age_s"
        case evictedTotal = "evicted_total"
        case quarantinedTotal = "quarantined_total"
        case devices
        case agentVersion = "agent_version"
    }
}

/// One polled device as its edge sees it.
public struct DeviceHealth: Codable, Hashable, Sendable {
    public var name: String
    public var substationID: SubstationID
    /// `ok`, `failed`, or `unknown` (not polled since the agent started).
    public var commState: String
    public var lastPollLatencyMs: Double?
    public var lastPollAt: SourceTime?

    public init(
        name: String, substationID: SubstationID, commState: String, lastPollLatencyMs: Double? = nil,
        lastPollAt: SourceTime? = nil
    ) {
        self.name = name
        self.substationID = substationID
        self.commState = commState
        self.lastPollLatencyMs = lastPollLatencyMs
        self.lastPollAt = lastPollAt
    }

    enum CodingKeys: String, CodingKey {
        case name
        case substationID = "substation_id"
        case commState = "comm_state"
        case lastPollLatencyMs = "last_poll_latency_ms"
        case lastPollAt = "last_poll_at"
    }
}
