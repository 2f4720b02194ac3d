import HopProtocol

/// The key of a pending alert decision: a stored trip or restore (`alert_pending`, by `events.id`)
/// or a stored ANOMALY score (`alert_pending_scores`, by the score's key). The row is written with
/// its cause in the cause's transaction and deleted with the decision in the decision's.
public enum PendingAlertKey: Sendable, Hashable, CustomStringConvertible {
    case event(Int64)
    case score(SubstationID, ts: Int64)

    public var description: String {
        switch self {
        case .event(let id): return "event \(id)"
        case .score(let substation, let ts): return "score \(substation.rawValue)@\(ts)"
        }
    }
}

/// A stored cause still waiting for its alert decision, claimed by one decider until
/// `AlertStore.claimPendingAlerts`'s claim time ends.
public struct PendingAlert: Sendable, Hashable {
    /// What to decide, rebuilt from the stored event or score; its `pending` is this row's key, so
    /// the decision removes the row.
    public var candidate: AlertCandidate

    public init(candidate: AlertCandidate) {
        self.candidate = candidate
    }

    /// The pending row's key.
    public var key: PendingAlertKey? { candidate.pending }
}

/// Thrown by `AlertStore.decideAlert` when the candidate's pending row is gone: another decider
/// decided it (after this one's claim ran out). Nothing was written.
public struct AlertAlreadyDecided: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pending row that was missing.
    public var key: PendingAlertKey

    public init(key: PendingAlertKey) {
        self.key = key
    }

    public var description: String { "the alert of \(key) was already decided (its pending row is gone)" }
}
