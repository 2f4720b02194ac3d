/// What an edge agent uploads: `POST /api/ingest/batch`.
///
/// `seq` increases per edge and survives edge restarts. The hub commits the batch and the edge's
/// high-water mark in one transaction: a batch whose `seq` is at or below the mark is answered
/// `200 {"duplicate": true}` and stored again never.
public struct Batch: Codable, Hashable, Sendable {
    public var edgeID: EdgeID
    public var seq: Int64
    public var sentAt: SourceTime?
    public var telemetry: [Telemetry]
    public var events: [GridEvent]
    public var outages: [Outage]
    public var health: EdgeHealth?

    public init(
        edgeID: EdgeID, seq: Int64, sentAt: SourceTime? = nil, telemetry: [Telemetry] = [],
        events: [GridEvent] = [], outages: [Outage] = [], health: EdgeHealth? = nil
    ) {
        self.edgeID = edgeID
        self.seq = seq
        self.sentAt = sentAt
        self.telemetry = telemetry
        self.events = events
        self.outages = outages
        self.health = health
    }

    public var recordCount: Int { telemetry.count + events.count + outages.count }

    enum CodingKeys: String, CodingKey {
        case edgeID = "edge_id"
        case seq
        case sentAt = "sent_at"
        case telemetry, events, outages, health
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        edgeID = try c.decode(EdgeID.self, forKey: .edgeID)
        seq = try c.decode(Int64.self, forKey: .seq)
        sentAt = try c.decodeIfPresent(SourceTime.self, forKey: .sentAt)
        telemetry = try c.decodeIfPresent([Telemetry].self, forKey: .telemetry) ?? []
        events = try c.decodeIfPresent([GridEvent].self, forKey: .events) ?? []
        outages = try c.decodeIfPresent([Outage].self, forKey: .outages) ?? []
        health = try c.decodeIfPresent(EdgeHealth.self, forKey: .health)
    }
}

/// The hub's answer to an accepted batch. A 2xx means the data is durable.
public struct BatchReceipt: Codable, Hashable, Sendable {
    public var edgeID: EdgeID
    public var seq: Int64
    public var duplicate: Bool
    public var telemetry: Int
    public var events: Int
    public var outages: Int

    public init(edgeID: EdgeID, seq: Int64, duplicate: Bool, telemetry: Int, events: Int, outages: Int) {
        self.edgeID = edgeID
        self.seq = seq
        self.duplicate = duplicate
        self.telemetry = telemetry
        self.events = events
        self.outages = outages
    }

    enum CodingKeys: String, CodingKey {
        case edgeID = "edge_id"
        case seq, duplicate, telemetry, events, outages
    }
}
