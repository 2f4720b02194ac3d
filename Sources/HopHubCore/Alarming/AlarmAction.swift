import HopProtocol

/// Something that happens to an alarm: its condition (raise, return to normal) or an operator's act.
/// Times are milliseconds since the epoch; `by` is the operator's email.
public enum AlarmAction: Sendable, Hashable {
    /// The condition is (again) present. `at` is the source time.
    case raise(at: Int64, value: Double?, message: String)
    /// The condition is gone. `at` is the source time.
    case returnToNormal(at: Int64)
    case acknowledge(by: String, comment: String?, at: Int64)
    /// Hide the alarm until `until` (at most the configured maximum ahead), for `reason`.
    case shelve(by: String, until: Int64, reason: String, at: Int64)
    case unshelve(by: String, at: Int64)
    /// The hub's own unshelve once `shelvedUntil` has passed.
    case expireShelf(at: Int64)
    case removeFromService(by: String, reason: String, at: Int64)
    case returnToService(by: String, at: Int64)

    /// The name recorded in the alarm's history and the audit log.
    public var event: String {
        switch self {
        case .raise: "raised"
        case .returnToNormal: "returned"
        case .acknowledge: "acknowledged"
        case .shelve: "shelved"
        case .unshelve: "unshelved"
        case .expireShelf: "shelf_expired"
        case .removeFromService: "removed_from_service"
        case .returnToService: "returned_to_service"
        }
    }

    /// When the action happened.
    public var at: Int64 {
        switch self {
        case .raise(let at, _, _), .returnToNormal(let at), .acknowledge(_, _, let at), .shelve(_, _, _, let at),
            .unshelve(_, let at), .expireShelf(let at), .removeFromService(_, _, let at), .returnToService(_, let at):
            at
        }
    }

    /// The operator, nil for the hub's own transitions.
    public var actor: String? {
        switch self {
        case .acknowledge(let by, _, _), .shelve(let by, _, _, _), .unshelve(let by, _), .removeFromService(let by, _, _),
            .returnToService(let by, _):
            by
        case .raise, .returnToNormal, .expireShelf: nil
        }
    }

    /// The operator's comment or reason.
    public var comment: String? {
        switch self {
        case .acknowledge(_, let comment, _): comment
        case .shelve(_, _, let reason, _), .removeFromService(_, let reason, _): reason
        case .raise, .returnToNormal, .unshelve, .expireShelf, .returnToService: nil
        }
    }
}

/// Why a transition is refused. Each case names the state that refused it.
public enum AlarmTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The alarm is over; a new raise of the condition makes a new alarm.
    case cleared
    case alreadyAcknowledged
    /// A return to normal while the condition is already gone.
    case notActive
    /// Acknowledge or shelve while shelved: unshelve first.
    case shelved
    /// Anything but return-to-service while out of service.
    case outOfService
    case notShelved
    case notOutOfService
    /// Shelving to a time not after now.
    case shelveNotInFuture
    /// Shelving further ahead than `alarms.max_shelve_s`.
    case shelveTooLong(maxSeconds: Int)
    /// Shelving and taking out of service need a reason.
    case reasonRequired
    /// The shelf has not reached its end yet (hub expiry only).
    case shelfNotExpired

    public var description: String {
        switch self {
        case .cleared: "the alarm is cleared"
        case .alreadyAcknowledged: "the alarm is already acknowledged"
        case .notActive: "the alarm's condition has already returned to normal"
        case .shelved: "the alarm is shelved; unshelve it first"
        case .outOfService: "the alarm is out of service; return it to service first"
        case .notShelved: "the alarm is not shelved"
        case .notOutOfService: "the alarm is not out of service"
        case .shelveNotInFuture: "shelve until must be in the future"
        case .shelveTooLong(let max): "shelving is limited to \(max) s (alarms.max_shelve_s)"
        case .reasonRequired: "a reason is required"
        case .shelfNotExpired: "the shelf has not expired"
        }
    }
}
