import HopProtocol

/// A reading ready to store: substation resolved, time fixed (source time or arrival time).
public struct StoredTelemetry: Sendable, Hashable {
    public var ts: Int64
    public var substationID: SubstationID
    /// Empty when the sender named no feeder.
    public var feederID: String
    public var deviceID: String?
    public var siteName: String?
    public var latitude: Double?
    public var longitude: Double?
    public var values: MetricValues

    public init(_ t: Telemetry, arrival: Int64) {
        ts = t.ts?.epochMilliseconds ?? arrival
        substationID = t.substationID
        feederID = t.feederID?.rawValue ?? ""
        deviceID = t.deviceID?.rawValue
        siteName = t.siteName
        latitude = t.latitude
        longitude = t.longitude
        values = MetricValues(voltageKV: t.voltageKV, currentA: t.currentA, powerMW: t.powerMW, frequencyHz: t.frequencyHz)
    }
}

/// An event ready to store, attributed to a substation (or none; see `RecordOwnership`).
public struct StoredEvent: Sendable, Hashable {
    public var ts: Int64
    public var substationID: SubstationID?
    public var event: GridEvent

    public init(ts: Int64, substationID: SubstationID?, event: GridEvent) {
        self.ts = ts
        self.substationID = substationID
        self.event = event
    }
}

/// An outage ready to upsert, attributed to a substation (or none).
public struct StoredOutage: Sendable, Hashable {
    public var ts: Int64
    public var substationID: SubstationID?
    public var outage: Outage

    public init(ts: Int64, substationID: SubstationID?, outage: Outage) {
        self.ts = ts
        self.substationID = substationID
        self.outage = outage
    }
}

/// One unit of work for the group-commit writer: everything in it is stored atomically, or nothing.
public struct IngestWrite: Sendable {
    /// Set for edge batches: the edge and its sequence number, committed with the data.
    public var edge: (id: EdgeID, seq: Int64, keyName: String)?
    public var telemetry: [StoredTelemetry]
    public var events: [StoredEvent]
    public var outages: [StoredOutage]
    public var health: EdgeHealth?
    public var arrival: Int64

    public init(
        edge: (id: EdgeID, seq: Int64, keyName: String)? = nil, telemetry: [StoredTelemetry] = [],
        events: [StoredEvent] = [], outages: [StoredOutage] = [], health: EdgeHealth? = nil, arrival: Int64
    ) {
        self.edge = edge
        self.telemetry = telemetry
        self.events = events
        self.outages = outages
        self.health = health
        self.arrival = arrival
    }

    public var recordCount: Int { telemetry.count + events.count + outages.count }
}

/// What became of one `IngestWrite`.
public enum IngestOutcome: Sendable, Equatable {
    case stored
    /// An edge batch whose seq was at or below the edge's high-water mark: nothing stored.
    case duplicate
    /// Refused by stored state (e.g. an outage id owned by another substation): nothing stored.
    case conflict(String)
}
