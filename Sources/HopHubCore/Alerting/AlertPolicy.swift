import HopProtocol

/// The state a decision depends on, read inside the deciding transaction.
public struct AlertState: Sendable, Hashable {
    /// When this candidate's source (substation, or feeder) last had an alert sent, if ever.
    public var lastSent: Int64?
    /// Alerts sent in the candidate's cap group during the last hour.
    public var sentInLastHour: Int
    /// Whether a trip alert was sent for the candidate's feeder and not yet closed by a restore.
    public var tripAlertSent: Bool
    /// The state of the candidate's open alarm when it is shelved (shelf not yet ended) or out of service.
    public var alarmHeld: AlarmState?

    public init(lastSent: Int64? = nil, sentInLastHour: Int = 0, tripAlertSent: Bool = false, alarmHeld: AlarmState? = nil) {
        self.lastSent = lastSent
        self.sentInLastHour = sentInLastHour
        self.tripAlertSent = tripAlertSent
        self.alarmHeld = alarmHeld
    }
}

/// Why an alert was not sent.
public enum SuppressReason: String, Sendable, Hashable {
    case cooldown
    case globalCap = "global_cap"
    case noTripAlert = "no_trip_alert"
    case noRecipients = "no_recipients"
    /// The candidate's alarm is shelved.
    case shelved
    /// The candidate's alarm is out of service.
    case outOfService = "out_of_service"

    /// The alert log's detail for `candidate` suppressed for this reason.
    public func detail(for c: AlertCandidate, policy: AlertPolicy) -> String {
        switch self {
        case .cooldown: return "\(c.kind.rawValue) \(c.source): within the \(policy.cooldownMs(c.kind) / 1000) s cooldown"
        case .globalCap: return "\(c.kind.capGroup) cap of \(policy.capPerHour(c.kind)) per hour reached"
        case .noTripAlert: return "no trip alert was sent for \(c.source)"
        case .noRecipients: return "no recipients configured (alerts.recipients)"
        case .shelved: return "the \(c.alarmKey?.description ?? c.source) alarm is shelved"
        case .outOfService: return "the \(c.alarmKey?.description ?? c.source) alarm is out of service"
        }
    }
}

/// The seed's rules as a pure function of a candidate and the stored state.
public struct AlertPolicy: Sendable {
    public var settings: AlertSettings

    public init(settings: AlertSettings) {
        self.settings = settings
    }

    /// nil: send. Otherwise the reason to suppress. Rules are checked in order: a shelved or
    /// out-of-service alarm sends nothing; restore needs a sent trip; cooldown (anomaly per
    /// substation, trip per feeder; restores have none); global cap.
    public func verdict(_ candidate: AlertCandidate, state: AlertState, now: Int64) -> SuppressReason? {
        switch state.alarmHeld {
        case .shelved: return .shelved
        case .outOfService: return .outOfService
        default: break
        }
        switch candidate.kind {
        case .restore:
            if !state.tripAlertSent { return .noTripAlert }
        case .anomaly, .trip:
            if let last = state.lastSent, now - last < cooldownMs(candidate.kind) { return .cooldown }
        }
        if state.sentInLastHour >= capPerHour(candidate.kind) { return .globalCap }
        return nil
    }

    public func cooldownMs(_ kind: AlertKind) -> Int64 {
        switch kind {
        case .anomaly: return Int64(settings.anomalyCooldownSeconds) * 1000
        case .trip: return Int64(settings.tripCooldownSeconds) * 1000
        case .restore: return 0
        }
    }

    public func capPerHour(_ kind: AlertKind) -> Int {
        kind == .anomaly ? settings.anomalyCapPerHour : settings.tripCapPerHour
    }
}
