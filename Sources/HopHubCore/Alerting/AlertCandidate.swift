import HopProtocol

/// The three alert types of the seed.
public enum AlertKind: String, Sendable, Hashable, CaseIterable {
    case anomaly = "ANOMALY"
    case trip = "FEEDER_TRIP"
    case restore = "FEEDER_RESTORE"

    /// Which global cap the kind counts against: restores share the trip cap.
    public var capGroup: String {
        switch self {
        case .anomaly: return "anomaly"
        case .trip, .restore: return "trip"
        }
    }
}

/// Something that may deserve an alert: a scored anomaly, or a trip/restore event just stored.
public struct AlertCandidate: Sendable, Hashable {
    public var kind: AlertKind
    public var substationID: SubstationID?
    public var feederID: String?
    /// Source time of the event or the score.
    public var sourceTs: Int64
    public var siteName: String?
    /// The event's message, state change or the score's numbers, for the mail body.
    public var event: GridEvent?
    public var score: StoredScore?
    /// The pending row the candidate came from (`AlertStore.claimPendingAlerts`): the decision
    /// removes it in its own transaction. nil for candidates decided directly.
    public var pending: PendingAlertKey?

    public init(
        kind: AlertKind, substationID: SubstationID?, feederID: String?, sourceTs: Int64, siteName: String? = nil,
        event: GridEvent? = nil, score: StoredScore? = nil, pending: PendingAlertKey? = nil
    ) {
        self.kind = kind
        self.substationID = substationID
        self.feederID = feederID
        self.sourceTs = sourceTs
        self.siteName = siteName
        self.event = event
        self.score = score
        self.pending = pending
    }

    /// The cooldown key: the substation for anomalies, substation/feeder for trips.
    public var source: String {
        switch kind {
        case .anomaly: return substationID?.rawValue ?? ""
        case .trip, .restore: return "\(substationID?.rawValue ?? "")/\(feederID ?? "")"
        }
    }

    /// The alarm whose shelving or out-of-service silences this candidate's mail: the
    /// substation's ANOMALY alarm, the feeder's FEEDER_TRIP alarm (for trips and restores).
    public var alarmKey: AlarmKey? {
        guard let substationID else { return nil }
        switch kind {
        case .anomaly: return AlarmKey(type: .anomaly, substationID: substationID)
        case .trip, .restore: return AlarmKey(type: .feederTrip, substationID: substationID, point: feederID ?? "")
        }
    }

    /// Candidates in stored events: FEEDER_TRIP with severity ALARM, and FEEDER_RESTORE. Ingest
    /// writes a pending row (`alert_pending`) for each such event in the commit's transaction;
    /// `eventID` names that row.
    public static func from(_ stored: StoredEvent, eventID: Int64? = nil) -> AlertCandidate? {
        let e = stored.event
        let kind: AlertKind
        switch e.eventType.uppercased() {
        case GridEventType.feederTrip where e.severity.uppercased() == GridEventSeverity.alarm: kind = .trip
        case GridEventType.feederRestore: kind = .restore
        default: return nil
        }
        return AlertCandidate(
            kind: kind, substationID: stored.substationID, feederID: e.feederID?.rawValue, sourceTs: stored.ts, event: e,
            pending: eventID.map(PendingAlertKey.event))
    }
}

extension AlertCandidate {
    /// The candidate of a score: an ANOMALY when the score is classified so, else nil. The scorer's
    /// pass writes a pending row (`alert_pending_scores`) for each such score with the scores;
    /// `pending` names that row.
    public static func from(_ score: StoredScore, pending: Bool = false) -> AlertCandidate? {
        guard score.result.classification == .anomaly else { return nil }
        return AlertCandidate(
            kind: .anomaly, substationID: score.substationID, feederID: nil, sourceTs: score.ts, score: score,
            pending: pending ? .score(score.substationID, ts: score.ts) : nil)
    }
}
