import HopProtocol

/// Turns the frequency judge's transitions into alarms: a condition starting raises
/// `FREQUENCY_EXCURSION`, `UFLS_WARNING` or `ROCOF` at the substation, its end returns that alarm
/// to normal. The operator's sentence is the same as the transition's event message.
public struct FrequencyAlarmBridge: FrequencyAlarmSink {
    let alarms: any AlarmSink

    public init(alarms: any AlarmSink) { self.alarms = alarms }

    public func frequencyTransitions(_ transitions: [FrequencyTransition]) async {
        for t in transitions {
            let condition = Self.condition(t)
            switch t.kind {
            case .started: await alarms.raise(condition)
            case .ended: await alarms.returnToNormal(condition)
            }
        }
    }

    /// The alarm condition a transition raises or returns.
    public static func condition(_ t: FrequencyTransition) -> AlarmCondition {
        AlarmCondition(
            type: alarmType(t.condition), substationID: t.substationID, at: t.ts, value: t.value,
            message: FrequencyEventSink.message(t))
    }

    /// The conditions whose alarms are open and active in `store`, for the judge to take up at
    /// start. The side comes from the alarm's value (below or above nominal; RoCoF's sign).
    public static func activeConditions(in store: any AlarmStore, settings: FrequencySettings) async throws -> [ActiveFrequencyCondition] {
        let types: [AlarmType: FrequencyCondition] = [.frequencyExcursion: .excursionAlarm, .uflsWarning: .uflsWarning, .rocof: .rocof]
        return try await store.alarms(AlarmFilter(scope: .all, limit: 100_000)).compactMap { alarm in
            guard alarm.active, let condition = types[alarm.type] else { return nil }
            let value = alarm.value ?? (condition == .rocof ? 0 : settings.nominalHz)
            let high = condition == .rocof ? value > 0 : value > settings.nominalHz
            return ActiveFrequencyCondition(
                substationID: alarm.substationID, condition: condition, direction: high ? .high : .low,
                since: alarm.raisedAt.epochMilliseconds, value: value)
        }
    }

    /// Each condition is its own alarm, so a UFLS warning ending inside a longer excursion does
    /// not return the excursion's alarm.
    public static func alarmType(_ condition: FrequencyCondition) -> AlarmType {
        switch condition {
        case .excursionAlarm: return .frequencyExcursion
        case .uflsWarning: return .uflsWarning
        case .rocof: return .rocof
        }
    }
}

/// Hands each batch of transitions to several sinks in turn (the event log, then alarms).
public struct FrequencySinks: FrequencyAlarmSink {
    let sinks: [any FrequencyAlarmSink]

    public init(_ sinks: [any FrequencyAlarmSink]) { self.sinks = sinks }

    public func frequencyTransitions(_ transitions: [FrequencyTransition]) async {
        for sink in sinks { await sink.frequencyTransitions(transitions) }
    }
}
