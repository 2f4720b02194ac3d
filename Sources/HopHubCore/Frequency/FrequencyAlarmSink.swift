/// Where the frequency judge's transitions go. The hub writes them as events today
/// (`FrequencyEventSink`); the alarm lifecycle can take them instead (or as well) by implementing this.
public protocol FrequencyAlarmSink: Sendable {
    /// The transitions caused by one committed batch, in source-time order per substation. Called
    /// from one task, one batch at a time, never on the writer's path.
    func frequencyTransitions(_ transitions: [FrequencyTransition]) async
}
