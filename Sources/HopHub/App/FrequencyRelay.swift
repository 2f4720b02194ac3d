import HopHubCore
import Synchronization

/// Hands the frequency monitor's transitions to a sink connected after the writer exists (the
/// event sink writes through the writer, whose observers include the monitor). Until connected,
/// transitions are dropped; the hub connects it before any service runs.
final class FrequencyRelay: FrequencyAlarmSink {
    private let target = Mutex<(any FrequencyAlarmSink)?>(nil)

    func connect(_ sink: any FrequencyAlarmSink) {
        target.withLock { $0 = sink }
    }

    func frequencyTransitions(_ transitions: [FrequencyTransition]) async {
        guard let sink = target.withLock({ $0 }) else { return }
        await sink.frequencyTransitions(transitions)
    }
}
