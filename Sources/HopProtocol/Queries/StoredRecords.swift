/// `GET /api/query/events`: an event as stored, with the substation it belongs to and its time.
public struct EventRecord: Codable, Hashable, Sendable {
    public var id: Int64
    public var time: SourceTime
    public var event: GridEvent

    public init(id: Int64, time: SourceTime, event: GridEvent) {
        self.id = id
        self.time = time
        self.event = event
    }

    enum CodingKeys: String, CodingKey { case id, time }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        time = try c.decode(SourceTime.self, forKey: .time)
        event = try GridEvent(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(time, forKey: .time)
        try event.encode(to: encoder)
    }
}

/// `GET /api/query/outages/active`: an outage as stored (fields merged across its updates).
public struct OutageRecord: Codable, Hashable, Sendable {
    public var time: SourceTime
    public var outage: Outage

    public init(time: SourceTime, outage: Outage) {
        self.time = time
        self.outage = outage
    }

    enum CodingKeys: String, CodingKey { case time }

    public init(from decoder: any Decoder) throws {
        time = try decoder.container(keyedBy: CodingKeys.self).decode(SourceTime.self, forKey: .time)
        outage = try Outage(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time)
        try outage.encode(to: encoder)
    }
}

/// `GET /api/query/substations`: a substation discovered from its telemetry.
public struct SubstationInfo: Codable, Hashable, Sendable {
    public var substationID: SubstationID
    public var siteName: String?
    public var latitude: Double?
    public var longitude: Double?
    public var firstSeen: SourceTime
    public var lastSeen: SourceTime
    /// Reported within the last 5 minutes.
    public var active: Bool
    public var feeders: [FeederID]

    public init(
        substationID: SubstationID, siteName: String?, latitude: Double?, longitude: Double?,
        firstSeen: SourceTime, lastSeen: SourceTime, active: Bool, feeders: [FeederID]
    ) {
        self.substationID = substationID
        self.siteName = siteName
        self.latitude = latitude
        self.longitude = longitude
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.active = active
        self.feeders = feeders
    }

    enum CodingKeys: String, CodingKey {
        case substationID = "substation_id"
        case siteName = "site_name"
        case latitude, longitude
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case active, feeders
    }
}

/// `GET /api/query/edges`: what the hub knows of each edge agent.
public struct EdgeRecord: Codable, Hashable, Sendable {
    public var edgeID: EdgeID
    public var lastSeq: Int64
    public var lastContact: SourceTime
    public var substations: [SubstationID]
    public var health: EdgeHealth?

    public init(edgeID: EdgeID, lastSeq: Int64, lastContact: SourceTime, substations: [SubstationID], health: EdgeHealth?) {
        self.edgeID = edgeID
        self.lastSeq = lastSeq
        self.lastContact = lastContact
        self.substations = substations
        self.health = health
    }

    enum CodingKeys: String, CodingKey {
        case edgeID = "edge_id"
        case lastSeq = "last_seq"
        case lastContact = "last_contact"
        case substations, health
    }
}

/// `GET /api/health`.
public struct HealthStatus: Codable, Hashable, Sendable {
    public var status: String
    public var version: String
    public var time: SourceTime
    public var database: String

    public init(status: String, version: String, time: SourceTime, database: String) {
        self.status = status
        self.version = version
        self.time = time
        self.database = database
    }
}
