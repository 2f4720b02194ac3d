import HopProtocol
import ServiceLifecycle

/// The frequency judge's ear on the writer: told about every committed write (a `CommitObserver`,
/// so never about one refused or rolled back), it queues the writes' readings and judges them in
/// commit order off the writer's path, handing each batch's transitions to `sink`.
///
/// The judge's state lives in this process; at start it takes up the conditions `resume` names
/// (those whose alarms are still open), so a condition that ended while the hub was down ends at
/// the first reading back within the limit. Each hub process sharing a database judges only the
/// readings it committed itself.
public final class FrequencyMonitor: CommitObserver, Service {
    private let settings: FrequencySettings
    private let sink: any FrequencyAlarmSink
    private let queued: AsyncStream<[StoredTelemetry]>
    private let queue: AsyncStream<[StoredTelemetry]>.Continuation
    private let resume: @Sendable () async -> [ActiveFrequencyCondition]

    public init(
        settings: FrequencySettings, sink: any FrequencyAlarmSink,
        resume: @escaping @Sendable () async -> [ActiveFrequencyCondition] = { [] }
    ) {
        self.settings = settings
        self.sink = sink
        self.resume = resume
        (queued, queue) = AsyncStream.makeStream(of: [StoredTelemetry].self, bufferingPolicy: .unbounded)
    }

    public func committed(_ writes: [IngestWrite]) {
        // The write's own array when there is one (no copy); the judge skips readings without frequency.
        let readings = writes.count == 1 ? writes[0].telemetry : writes.flatMap(\.telemetry)
        if readings.contains(where: { $0.values.frequencyHz != nil }) { queue.yield(readings) }
    }

    public func run() async {
        let queue = self.queue
        var judge = FrequencyJudge(settings: settings)
        for condition in await resume() { judge.resume(condition) }
        await withGracefulShutdownHandler {
            for await readings in queued {
                let transitions = judge.judge(readings)
                if !transitions.isEmpty { await sink.frequencyTransitions(transitions) }
            }
        } onGracefulShutdown: {
            queue.finish()
        }
    }
}
