import Foundation
import HopProtocol
import Logging
import HopTestSupport
import Testing

@testable import HopEdge

/// A device double: each scan takes the next scripted result.
final class ScriptedDevice: DeviceSession, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [Result<ScanSample, DeviceError>]

    init(_ script: [Result<ScanSample, DeviceError>]) { self.script = script }

    func scan(_ scan: ScanPlan) async throws(DeviceError) -> ScanSample {
        let next = lock.withLock { script.isEmpty ? nil : script.removeFirst() }
        guard let next else { throw DeviceError(kind: .transport, device: "rtu", unitID: 1, message: "script exhausted") }
        return try next.get()
    }

    func disconnect() async {}
}

@Suite struct PollerTests {
    static func sample(closed: [Bool], frequency: Double = 60) -> ScanSample {
        var s = ScanSample()
        for (i, c) in closed.enumerated() {
            s.breakers[i] = c
            s.analog[PointRef(feeder: i, role: .analog(.frequencyHz))] = frequency
            s.analog[PointRef(feeder: i, role: .analog(.voltageKV))] = 13.8
        }
        return s
    }

    static let timeout = DeviceError(kind: .transport, device: "rtu", unitID: 1, request: "holding 0…27", message: "Connection timed out")

    @Test func commFailOnceThenRestoredAndBreakerTransitionsBecomeEvents() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        let device = simDevice(feeders: 2)
        let session = ScriptedDevice([
            .success(Self.sample(closed: [true, true])),
            .failure(Self.timeout), .failure(Self.timeout), .failure(Self.timeout),
            .success(Self.sample(closed: [false, true])),
            .success(Self.sample(closed: [true, true])),
        ])
        let poller = DevicePoller(
            plan: try ReadPlanner.plan(device), session: session, journal: journal, board: DeviceStatusBoard(),
            clock: ManualClock(), logger: Logger(label: "test"))
        var state = DeviceState(name: device.name, substationID: device.substationID)
        var results: [Bool] = []
        for _ in 0..<6 { results.append(await poller.pollOnce(poller.plan.scans[0], state: &state)) }
        #expect(results == [true, false, false, false, true, true])
        let batch = try #require(try await journal.nextBatch(limits: JournalTests.limits, now: .now(), force: true))
        let events = try batch.events.map { try JSONDecoder().decode(GridEvent.self, from: Data($0)) }
        #expect(events.map(\.eventType) == ["COMM_FAIL", "COMM_RESTORED", "FEEDER_TRIP", "FEEDER_RESTORE"])
        #expect(events[0].severity == "WARNING")
        #expect(events[0].message?.contains("holding 0…27") == true)
        #expect(events[2].severity == "ALARM" && events[2].oldState == "CLOSED" && events[2].newState == "OPEN")
        #expect(events[2].feederID == "FDR001" && events[2].deviceID == "SUB001-FDR001")
        #expect(events[3].severity == "INFO")
        // Failed polls produce no readings: 3 good polls × 2 feeders.
        #expect(batch.telemetry.count == 6)
        #expect(state.commState == "ok")
        #expect(state.breakers == ["FDR001": true, "FDR002": true])
    }

    @Test func aBreakerThatChangedWhileTheAgentWasDownIsReportedOnRestart() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        let device = simDevice(feeders: 1)
        try await journal.append([], state: DeviceState(name: device.name, substationID: "SUB001", commState: "ok", breakers: ["FDR001": true]))
        let poller = DevicePoller(
            plan: try ReadPlanner.plan(device), session: ScriptedDevice([.success(Self.sample(closed: [false]))]),
            journal: journal, board: DeviceStatusBoard(), clock: ManualClock(), logger: Logger(label: "test"))
        var state = try #require(try await journal.deviceStates().first)
        _ = await poller.pollOnce(poller.plan.scans[0], state: &state)
        let batch = try #require(try await journal.nextBatch(limits: JournalTests.limits, now: .now(), force: true))
        #expect(batch.events.count == 1)
        #expect(String(decoding: batch.events[0], as: UTF8.self).contains("FEEDER_TRIP"))
    }
}

/// A device double that answers every scan (or fails every scan) and counts scans per class.
final class CountingDevice: DeviceSession, @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    let failing: Bool

    init(failing: Bool = false) { self.failing = failing }

    func scan(_ scan: ScanPlan) async throws(DeviceError) -> ScanSample {
        lock.withLock { counts[scan.name, default: 0] += 1 }
        if failing { throw DeviceError(kind: .connect, device: "rtu", unitID: 1, message: "Connection refused") }
        var sample = ScanSample()
        sample.analog[0, .frequencyHz] = 60
        return sample
    }

    func disconnect() async {}

    var snapshot: [String: Int] { lock.withLock { counts } }
}

@Suite struct PollerScheduleTests {
    @Test func scanClassesRunAtTheirOwnRates() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var device = simDevice(feeders: 1)
        device.pollInterval = .seconds(1)
        device.scanClasses = [ScanClassConfig(name: "fast", interval: .milliseconds(250), fields: [.frequencyHz], breaker: true)]
        let session = CountingDevice()
        let clock = ManualClock()
        let poller = DevicePoller(
            plan: try ReadPlanner.plan(device), session: session,
            journal: try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite")), board: DeviceStatusBoard(),
            clock: clock, logger: Logger(label: "test"))
        let task = Task { try await poller.run() }
        defer { task.cancel() }
        try await waitUntil("10 s of virtual time") { clock.monotonic() >= .seconds(10) }
        task.cancel()
        try await finish("the poller, cancelled") { try await task.value }
        let counts = session.snapshot
        let elapsed = clock.monotonic()
        // Virtual time: every class runs once at start, then once per interval.
        let defaultRuns = try #require(counts["default"]), fastRuns = try #require(counts["fast"])
        #expect(abs(defaultRuns - (Int(elapsed.seconds) + 1)) <= 1)
        #expect(abs(fastRuns - (Int(elapsed.seconds * 4) + 1)) <= 1)
    }

    @Test func aDeadDeviceIsRetriedWithGrowingBackoffAndOneCommFail() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var device = simDevice(feeders: 1)
        device.pollInterval = .milliseconds(500)
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        let clock = ManualClock()
        let poller = DevicePoller(
            plan: try ReadPlanner.plan(device), session: CountingDevice(failing: true), journal: journal,
            board: DeviceStatusBoard(), clock: clock, logger: Logger(label: "test"), maxBackoff: .seconds(8))
        let task = Task { try await poller.run() }
        defer { task.cancel() }
        try await waitUntil("120 s of virtual time") { clock.monotonic() >= .seconds(120) }
        task.cancel()
        try await finish("the poller, cancelled") { try await task.value }
        let sleeps = clock.sleeps
        #expect(sleeps.count >= 10)
        #expect(sleeps.prefix(4).map { $0 <= .milliseconds(500) * (1 << 3) } == [true, true, true, true])
        #expect(sleeps.allSatisfy { $0 <= .seconds(8) })
        #expect(sleeps.suffix(5).allSatisfy { $0 >= .seconds(4) })  // capped at 8 s, jitter down to half
        let batch = try #require(try await journal.nextBatch(limits: JournalTests.limits, now: .now(), force: true))
        #expect(batch.events.count == 1)
        #expect(batch.telemetry.isEmpty)
    }
}
