import HopProtocol

/// The alarm state machine (ISA-18.2 / IEC 62682), pure: a stored alarm and an action in, the
/// alarm after it out, or a typed refusal. docs/alarms.md has the transition table.
///
/// | state \ action | raise | return to normal | acknowledge |
/// |---|---|---|---|
/// | unacknowledged active | count + 1 | returned unacknowledged | acknowledged active |
/// | acknowledged active | count + 1 | cleared | refused |
/// | returned unacknowledged | unacknowledged active, count + 1 | refused | cleared |
/// | shelved / out of service | recorded (active), count + 1 | recorded (inactive) | refused |
///
/// Shelve and remove-from-service work from the three open states; unshelve (or the shelf's end)
/// and return-to-service go to unacknowledged active when the condition is present, else cleared.
public struct AlarmMachine: Sendable {
    /// The longest shelf, seconds (`alarms.max_shelve_s`).
    public var maxShelveSeconds: Int

    public init(maxShelveSeconds: Int = AlarmSettings().maxShelveSeconds) {
        self.maxShelveSeconds = maxShelveSeconds
    }

    /// The alarm after `action`, stamped `updatedAt = now`.
    public func apply(_ action: AlarmAction, to alarm: Alarm, now: Int64) throws(AlarmTransitionError) -> Alarm {
        var a = alarm
        if a.state == .cleared { throw .cleared }
        switch action {
        case .raise(let at, let value, let message):
            a.active = true
            a.raiseCount += 1
            a.lastRaisedAt = SourceTime(epochMilliseconds: at)
            a.value = value
            a.message = message
            if a.state == .returnedUnacknowledged { a.state = .unacknowledgedActive }
        case .returnToNormal(let at):
            guard a.active else { throw .notActive }
            a.active = false
            a.returnedAt = SourceTime(epochMilliseconds: at)
            switch a.state {
            case .unacknowledgedActive: a.state = .returnedUnacknowledged
            case .acknowledgedActive: clear(&a, at: now)
            default: break
            }
        case .acknowledge(let by, let comment, let at):
            switch a.state {
            case .unacknowledgedActive: a.state = .acknowledgedActive
            case .returnedUnacknowledged: clear(&a, at: now)
            case .acknowledgedActive: throw .alreadyAcknowledged
            case .shelved: throw .shelved
            case .outOfService: throw .outOfService
            case .cleared: throw .cleared
            }
            a.acknowledgedAt = SourceTime(epochMilliseconds: at)
            a.acknowledgedBy = by
            a.acknowledgeComment = comment
        case .shelve(let by, let until, let reason, let at):
            if a.state == .shelved { throw .shelved }
            if a.state == .outOfService { throw .outOfService }
            guard !reason.isEmpty else { throw .reasonRequired }
            guard until > at else { throw .shelveNotInFuture }
            guard until - at <= Int64(maxShelveSeconds) * 1000 else { throw .shelveTooLong(maxSeconds: maxShelveSeconds) }
            a.state = .shelved
            a.shelvedUntil = SourceTime(epochMilliseconds: until)
            a.shelvedBy = by
            a.shelveReason = reason
        case .unshelve:
            guard a.state == .shelved else { throw .notShelved }
            reannunciate(&a, now: now)
        case .expireShelf(let at):
            guard a.state == .shelved else { throw .notShelved }
            guard let until = a.shelvedUntil, until.epochMilliseconds <= at else { throw .shelfNotExpired }
            reannunciate(&a, now: now)
        case .removeFromService(let by, let reason, _):
            if a.state == .outOfService { throw .outOfService }
            if a.state == .shelved { throw .shelved }
            guard !reason.isEmpty else { throw .reasonRequired }
            a.state = .outOfService
            a.outOfServiceBy = by
            a.outOfServiceReason = reason
        case .returnToService:
            guard a.state == .outOfService else { throw .notOutOfService }
            reannunciate(&a, now: now)
        }
        a.updatedAt = SourceTime(epochMilliseconds: now)
        return a
    }

    /// Back from shelved or out of service: a present condition annunciates anew, a gone one clears.
    private func reannunciate(_ a: inout Alarm, now: Int64) {
        a.shelvedUntil = nil
        a.shelvedBy = nil
        a.shelveReason = nil
        a.outOfServiceBy = nil
        a.outOfServiceReason = nil
        a.acknowledgedAt = nil
        a.acknowledgedBy = nil
        a.acknowledgeComment = nil
        if a.active { a.state = .unacknowledgedActive } else { clear(&a, at: now) }
    }

    private func clear(_ a: inout Alarm, at now: Int64) {
        a.state = .cleared
        a.clearedAt = SourceTime(epochMilliseconds: now)
    }

    /// Whether raises of the alarm are annunciated (shown and mailed): not when shelved or out of service.
    public static func annunciates(_ state: AlarmState) -> Bool {
        state != .shelved && state != .outOfService
    }
}
