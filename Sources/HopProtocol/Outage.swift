/// An outage record with customer impact (the seed's `outages`). Upserted by `outage_id`; an
/// outage whose status is resolved (see `Outage.resolvedStatuses`) leaves the active list.
public struct Outage: Codable, Hashable, Sendable {
    public var outageID: OutageID
    public var substationID: SubstationID?
    public var feederID: FeederID?
    public var customersOut: Int?
    public var mwInterrupted: Double?
    public var status: String
    public var cause: String?
    public var region: String?
    public var etrTime: SourceTime?
    public var latitude: Double?
    public var longitude: Double?
    public var ts: SourceTime?

    public init(
        outageID: OutageID, substationID: SubstationID? = nil, feederID: FeederID? = nil,
        customersOut: Int? = nil, mwInterrupted: Double? = nil, status: String, cause: String? = nil,
        region: String? = nil, etrTime: SourceTime? = nil, latitude: Double? = nil,
        longitude: Double? = nil, ts: SourceTime? = nil
    ) {
        self.outageID = outageID
        self.substationID = substationID
        self.feederID = feederID
        self.customersOut = customersOut
        self.mwInterrupted = mwInterrupted
        self.status = status
        self.cause = cause
        self.region = region
        self.etrTime = etrTime
        self.latitude = latitude
        self.longitude = longitude
        self.ts = ts
    }

    /// Statuses (case-insensitive) that mean the outage is over.
    public static let resolvedStatuses: Set<String> = ["RESOLVED", "RESTORED", "CLOSED", "CANCELLED"]

    public var isResolved: Bool { Self.resolvedStatuses.contains(status.uppercased()) }

    enum CodingKeys: String, CodingKey {
        case outageID = "outage_id"
        case substationID = "substation_id"
        case feederID = "feeder_id"
        case customersOut = "customers_out"
        case mwInterrupted = "mw_interrupted"
        case status, cause, region
        case etrTime = "etr_time"
        case latitude, longitude, ts
    }
}
