import Foundation
import HopProtocol
import Logging
import Synchronization

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// A settable clock for the alerting tests (milliseconds since the epoch).
final class TestClock: Sendable {
    private let value: Mutex<Int64>

    init(_ start: Int64 = 1_800_000_000_000) { value = Mutex(start) }

    var now: Int64 { value.withLock { $0 } }
    func advance(seconds: Int64) { value.withLock { $0 += seconds * 1000 } }
    var closure: @Sendable () -> Int64 { { [self] in now } }
}

/// A mailer that records what it sent and can be made to fail (relay down).
final class RecordingMailer: Mailer {
    private let state = Mutex<(sent: [OutboxMessage], down: Bool, attempts: Int)>(([], false, 0))

    var sent: [OutboxMessage] { state.withLock { $0.sent } }
    var attempts: Int { state.withLock { $0.attempts } }
    func setDown(_ down: Bool) { state.withLock { $0.down = down } }

    func send(_ message: OutboxMessage) async throws(MailError) {
        let down = state.withLock { s -> Bool in
            s.attempts += 1
            if !s.down { s.sent.append(message) }
            return s.down
        }
        if down { throw MailError(relay: "smtp://test", message: "connection refused") }
    }
}

enum AlertFixtures {
    static func tempPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-alerts-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("hop.sqlite").path
    }

    static func event(_ type: String, sub: String = "SUB001", feeder: String, severity: String = "ALARM", ts: Int64) -> StoredEvent {
        StoredEvent(
            ts: ts, substationID: SubstationID(sub),
            event: GridEvent(feederID: FeederID(feeder), severity: severity, eventType: type, oldState: "CLOSED", newState: "OPEN"))
    }

    static func engine(_ store: any HubBackend, clock: TestClock, signal: OutboxSignal = OutboxSignal(), settings: AlertSettings = AlertSettings())
        -> AlertEngine
    {
        var s = settings
        if s.recipients.isEmpty { s.recipients = ["ops@example.com"] }
        return AlertEngine(
            store: store, settings: s, recipients: ConfiguredRecipients(addresses: s.recipients), signal: signal,
            now: clock.closure, logger: Logger(label: "test"))
    }
}
