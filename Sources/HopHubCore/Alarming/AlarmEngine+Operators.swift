import HopProtocol

/// What an operator asks of one or more alarms.
public enum AlarmOperatorAction: Sendable, Hashable {
    case acknowledge(comment: String?)
    /// Until when (ms since the epoch).
    case shelve(until: Int64, reason: String)
    case unshelve
    case removeFromService(reason: String)
    case returnToService

    /// The machine's action for `by` at `at`.
    func action(by: String, at: Int64) -> AlarmAction {
        switch self {
        case .acknowledge(let comment): .acknowledge(by: by, comment: comment, at: at)
        case .shelve(let until, let reason): .shelve(by: by, until: until, reason: reason, at: at)
        case .unshelve: .unshelve(by: by, at: at)
        case .removeFromService(let reason): .removeFromService(by: by, reason: reason, at: at)
        case .returnToService: .returnToService(by: by, at: at)
        }
    }

    /// The audit log's action for this request.
    public var auditAction: AuditAction {
        switch self {
        case .acknowledge: .alarmAcknowledge
        case .shelve: .alarmShelve
        case .unshelve: .alarmUnshelve
        case .removeFromService: .alarmRemoveFromService
        case .returnToService: .alarmReturnToService
        }
    }
}

extension AlarmEngine {
    /// Applies `request` to every alarm of `ids` for the operator `by`, limited to `scope`: all or
    /// none, in one transaction. Refusals: 404 for an unknown id, 403 for an alarm outside
    /// `scope`, 422 for a shelve or out-of-service request the settings refuse (reason, length),
    /// 409 for a transition the alarm's state refuses.
    public func act(ids: [Int64], _ request: AlarmOperatorAction, by: String, scope: SubstationScope) async throws(HubError)
        -> [Alarm]
    {
        guard settings.enabled else { throw HubError(.unavailable, "alarms are turned off (alarms.enabled = false)") }
        guard !ids.isEmpty else { throw HubError(.validationFailed, "no alarm ids given", field: "ids") }
        let t = now()
        let machine = self.machine
        let action = request.action(by: by, at: t)
        let changes: [AlarmChange]
        do {
            changes = try await store.changeAlarms(ids: ids) { alarm in
                guard scope.allows(alarm.substationID) else {
                    throw HubError(
                        .forbidden, "'\(by)' may not act on alarm \(alarm.id): substation \(alarm.substationID) is not granted",
                        field: "ids")
                }
                do throws(AlarmTransitionError) {
                    let after = try machine.apply(action, to: alarm, now: t)
                    return AlarmChange(
                        alarm: after, entry: Self.entry(action.event, after, at: t, actor: by, comment: action.comment))
                } catch {
                    throw Self.refusal(error, alarm: alarm)
                }
            }
        } catch let error as HubError {
            throw error
        } catch let error as AlarmNotFound {
            throw HubError(.notFound, "no alarm \(error.id)", field: "ids")
        } catch {
            throw HubError(.internalError, "alarm store failed: \(error)")
        }
        for change in changes { publish(change) }
        return changes.map(\.alarm)
    }

    /// The alarm, when `scope` may see it (403 when not, 404 when there is none).
    public func alarm(id: Int64, scope: SubstationScope) async throws -> (Alarm, [AlarmHistoryEntry]) {
        guard let alarm = try await store.alarm(id: id) else { throw HubError(.notFound, "no alarm \(id)", field: "id") }
        guard scope.allows(alarm.substationID) else {
            throw HubError(.forbidden, "alarm \(id) belongs to substation \(alarm.substationID), which is not granted", field: "id")
        }
        return (alarm, try await store.alarmHistory(id: id))
    }

    public func alarms(_ filter: AlarmFilter) async throws -> [Alarm] {
        try await store.alarms(filter)
    }

    /// A refused transition as the API reports it.
    static func refusal(_ error: AlarmTransitionError, alarm: Alarm) -> HubError {
        let text = "alarm \(alarm.id) (\(alarm.state.rawValue)): \(error.description)"
        switch error {
        case .reasonRequired: return HubError(.validationFailed, text, field: "reason")
        case .shelveNotInFuture, .shelveTooLong: return HubError(.validationFailed, text, field: "until")
        default: return HubError(.conflict, text, field: "ids")
        }
    }
}
