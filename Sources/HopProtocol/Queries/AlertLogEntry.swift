/// One alert decision: sent (queued for delivery) or suppressed, and why. Served by
/// `GET /api/query/alerts` and `hop-hub alerts log`.
public struct AlertLogEntry: Codable, Hashable, Sendable {
    public var id: Int64
    /// When the hub decided.
    public var decidedAt: SourceTime
    /// `ANOMALY`, `FEEDER_TRIP` or `FEEDER_RESTORE`.
    public var kind: String
    public var substationID: SubstationID?
    public var feederID: FeederID?
    /// `sent` or `suppressed`.
    public var outcome: String
    /// Why it was suppressed: `cooldown`, `global_cap`, `no_trip_alert`, `no_recipients`; nil when sent.
    public var reason: String?
    /// Source time of the event or score that triggered the decision.
    public var sourceTime: SourceTime
    /// Human-readable context (the subject line, or the cooldown/cap that applied).
    public var detail: String

    public init(
        id: Int64, decidedAt: SourceTime, kind: String, substationID: SubstationID?, feederID: FeederID?, outcome: String,
        reason: String?, sourceTime: SourceTime, detail: String
    ) {
        self.id = id
        self.decidedAt = decidedAt
        self.kind = kind
        self.substationID = substationID
        self.feederID = feederID
        self.outcome = outcome
        self.reason = reason
        self.sourceTime = sourceTime
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case id
        case decidedAt = "decided_at"
        case kind
        case substationID = "substation_id"
        case feederID = "feeder_id"
        case outcome, reason
        case sourceTime = "source_time"
        case detail
    }
}
