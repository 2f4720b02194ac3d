import Foundation
import HopProtocol
import Logging
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
