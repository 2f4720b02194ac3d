import Foundation
import HopProtocol
import Logging

/// Writes frequency transitions as hub events (`FREQUENCY_EXCURSION`, `ROCOF`) through the
/// group-commit writer, so they are stored, answered by `/api/query/events` and pushed to the live
/// feed like any ingested event. A start is severity ALARM, an end INFO.
public struct FrequencyEventSink: FrequencyAlarmSink {
    let submit: @Sendable (IngestWrite) async throws -> IngestOutcome
    let now: @Sendable () -> Int64
    let logger: Logger

    public init(
        submit: @escaping @Sendable (IngestWrite) async throws -> IngestOutcome,
        now: @escaping @Sendable () -> Int64 = { SourceTime.now().epochMilliseconds }, logger: Logger
    ) {
        self.submit = submit
        self.now = now
        self.logger = logger
    }

    public init(writer: IngestWriter, logger: Logger) {
        self.init(submit: { try await writer.submit($0) }, logger: logger)
    }

    public func frequencyTransitions(_ transitions: [FrequencyTransition]) async {
        guard !transitions.isEmpty else { return }
        for t in transitions {
            logger.info(
                "frequency condition \(t.kind.rawValue)",
                metadata: [
                    "substation": "\(t.substationID)", "condition": "\(t.condition.rawValue)", "value": "\(t.value)",
                    "limit": "\(t.limit)",
                ])
        }
        do {
            _ = try await submit(IngestWrite(events: transitions.map(Self.event), arrival: now()))
        } catch {
            logger.error("frequency events not stored", metadata: ["count": "\(transitions.count)", "error": "\(error)"])
        }
    }

    /// The event recording one transition.
    public static func event(_ t: FrequencyTransition) -> StoredEvent {
        let condition = state(t)
        let started = t.kind == .started
        let event = GridEvent(
            substationID: t.substationID, severity: started ? GridEventSeverity.alarm : GridEventSeverity.info,
            eventType: t.condition.eventType, oldState: started ? "NORMAL" : condition, newState: started ? condition : "NORMAL",
            message: message(t), ts: SourceTime(epochMilliseconds: t.ts))
        return StoredEvent(ts: t.ts, substationID: t.substationID, event: event)
    }

    /// `ALARM_LOW`, `ALARM_HIGH`, `UFLS_WARNING`, `ROCOF_FALLING`, `ROCOF_RISING`.
    static func state(_ t: FrequencyTransition) -> String {
        switch t.condition {
        case .excursionAlarm: return t.direction == .low ? "ALARM_LOW" : "ALARM_HIGH"
        case .uflsWarning: return "UFLS_WARNING"
        case .rocof: return t.direction == .low ? "ROCOF_FALLING" : "ROCOF_RISING"
        }
    }

    static func message(_ t: FrequencyTransition) -> String {
        let seconds = String(format: "%.1f s", Double(t.ts - t.since) / 1000)
        let since = SourceTime(epochMilliseconds: t.since).description
        func hz(_ v: Double) -> String { String(format: "%.3f Hz", v) }
        func rate(_ v: Double) -> String { String(format: "%+.3f Hz/s", v) }
        let worst = t.direction == .low ? "lowest" : "highest"
        switch (t.condition, t.kind) {
        case (.excursionAlarm, .started):
            let side = t.direction == .low ? "below" : "above"
            return "frequency \(hz(t.value)) \(side) the \(hz(t.limit)) alarm limit for \(seconds) (since \(since)); \(worst) \(hz(t.extreme))"
        case (.excursionAlarm, .ended):
            return "frequency back within the \(hz(t.limit)) alarm limit at \(hz(t.value)) after \(seconds); \(worst) \(hz(t.extreme))"
        case (.uflsWarning, .started):
            return "frequency \(hz(t.value)) at or below the \(hz(t.limit)) UFLS warning level (since \(since)); lowest \(hz(t.extreme))"
        case (.uflsWarning, .ended):
            return "frequency back above the \(hz(t.limit)) UFLS warning level at \(hz(t.value)) after \(seconds); lowest \(hz(t.extreme))"
        case (.rocof, .started):
            return "RoCoF \(rate(t.value)) beyond ±\(String(format: "%.3f", t.limit)) Hz/s for \(seconds) (since \(since)); peak \(rate(t.extreme))"
        case (.rocof, .ended):
            return "RoCoF back within ±\(String(format: "%.3f", t.limit)) Hz/s at \(rate(t.value)) after \(seconds); peak \(rate(t.extreme))"
        }
    }
}
