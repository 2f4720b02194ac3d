import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Alarm sources and operator actions against a real store (SQLite and PostgreSQL): one open alarm per key,
/// repeats counted, returns, restarts, silence, shelf expiry, scope, and shelved alarms sending no mail.
@Suite struct AlarmEngineTests {
    static func engine(_ store: any HubBackend, _ clock: TestClock, _ change: (inout AlarmSettings) -> Void = { _ in }) -> AlarmEngine {
        var settings = AlarmSettings()
        change(&settings)
        return AlarmEngine(store: store, settings: settings, now: clock.closure, logger: Logger(label: "test"))
    }

    static func comm(_ type: String, device: String, ts: Int64) -> StoredEvent {
        StoredEvent(
            ts: ts, substationID: "SUB001",
            event: GridEvent(deviceID: DeviceID(device), severity: "WARNING", eventType: type, message: "device \(device)"))
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func tripRaisesOnceCountsRepeatsAndRestoreReturnsIt(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = Self.engine(store, clock)
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR001", ts: clock.now)])
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR001", ts: clock.now + 1)])
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR002", ts: clock.now + 2)])
        var open = try await store.alarms(AlarmFilter(scope: .all))
        #expect(open.count == 2)
        let fdr1 = try #require(open.first { $0.feederID == "FDR001" })
        #expect(fdr1.raiseCount == 2 && fdr1.state == .unacknowledgedActive && fdr1.priority == .high && fdr1.type == .feederTrip)
        await engine.eventsStored([AlertFixtures.event("FEEDER_RESTORE", feeder: "FDR001", severity: "INFO", ts: clock.now + 3)])
        open = try await store.alarms(AlarmFilter(scope: .all))
        #expect(open.first { $0.feederID == "FDR001" }?.state == .returnedUnacknowledged)
        // A trip with severity other than ALARM is not an alarm.
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR009", severity: "INFO", ts: clock.now)])
        #expect(try await store.alarms(AlarmFilter(scope: .all)).count == 2)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func commFailPerDeviceReturnsOnCommRestored(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = Self.engine(store, clock)
        await engine.eventsStored([Self.comm("COMM_FAIL", device: "rtu-a", ts: clock.now)])
        await engine.eventsStored([Self.comm("COMM_FAIL", device: "rtu-b", ts: clock.now)])
        await engine.eventsStored([Self.comm("COMM_RESTORED", device: "rtu-a", ts: clock.now + 5)])
        let open = try await store.alarms(AlarmFilter(scope: .all))
        #expect(open.count == 2)
        #expect(open.first { $0.deviceID == "rtu-a" }?.state == .returnedUnacknowledged)
        #expect(open.first { $0.deviceID == "rtu-b" }?.state == .unacknowledgedActive)
        #expect(open.allSatisfy { $0.type == .commFail && $0.priority == .medium })
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func anomalyRaisesOnceWhileItLastsAndNormalReturnsIt(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = Self.engine(store, clock)
        let model = ZScoreModel(settings: ScoringSettings())
        let anomaly = try #require(model.score(Array(repeating: 60.0, count: 19) + [62.0]))
        let normal = try #require(model.score(Array(repeating: 60.0, count: 20)))
        for _ in 0..<3 { await engine.scored([StoredScore(ts: clock.now, substationID: "SUB002", result: anomaly)]) }
        var a = try #require(try await store.alarms(AlarmFilter(scope: .all)).first)
        #expect(a.type == .anomaly && a.raiseCount == 1 && a.value == anomaly.anomalyScore)
        await engine.scored([StoredScore(ts: clock.now, substationID: "SUB002", result: normal)])
        a = try #require(try await store.alarm(id: a.id))
        #expect(a.state == .returnedUnacknowledged)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func frequencySourcesUseThePublicSink(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let sink: any AlarmSink = Self.engine(store, clock)
        let c = AlarmCondition(type: .frequencyExcursion, substationID: "SUB003", at: clock.now, value: 59.78, message: "59.78 Hz below 59.85 Hz for 4 s")
        let raised = try #require(await sink.raise(c))
        #expect(raised.priority == .critical && raised.value == 59.78 && raised.state == .unacknowledgedActive)
        let rocof = try #require(await sink.raise(AlarmCondition(type: .rocof, substationID: "SUB003", at: clock.now, value: 0.6, message: "0.6 Hz/s")))
        #expect(rocof.id != raised.id)
        #expect(await sink.returnToNormal(c)?.state == .returnedUnacknowledged)
        #expect(await sink.returnToNormal(c) == nil)  // already returned: nothing to do
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func alarmsSurviveARestart(_ backend: StoreContractTests.Backend) async throws {
        let database = try await TestDatabase.fresh(backend)
        let clock = TestClock()
        var id: Int64 = 0
        do {
            let store = try await database.open()
            let engine = Self.engine(store, clock)
            await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR001", ts: clock.now)])
            id = try #require(try await store.alarms(AlarmFilter(scope: .all)).first?.id)
            _ = try await engine.act(ids: [id], .acknowledge(comment: "crew sent"), by: "op@example.com", scope: .all)
            try await store.close()
        }
        let store = try await database.open()
        let engine = Self.engine(store, clock)
        let (alarm, history) = try await engine.alarm(id: id, scope: .all)
        #expect(alarm.state == .acknowledgedActive && alarm.acknowledgeComment == "crew sent")
        #expect(history.map(\.event) == ["raised", "acknowledged"] && history[1].actor == "op@example.com")
        // The restored condition reaches the same alarm after the restart, and clears it.
        await engine.eventsStored([AlertFixtures.event("FEEDER_RESTORE", feeder: "FDR001", severity: "INFO", ts: clock.now)])
        #expect(try await store.alarm(id: id)?.state == .cleared)
        // The next trip is a new alarm.
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR001", ts: clock.now)])
        #expect(try await store.alarms(AlarmFilter(scope: .all)).first?.id != id)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func actionsAreScopedAllOrNothingAndTyped(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = Self.engine(store, clock)
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", sub: "SUB001", feeder: "F1", ts: clock.now)])
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", sub: "SUB002", feeder: "F1", ts: clock.now)])
        let ids = try await store.alarms(AlarmFilter(scope: .all)).sorted { $0.substationID < $1.substationID }.map(\.id)
        await #expect(throws: HubError.self) {
            try await engine.act(ids: ids, .acknowledge(comment: nil), by: "op", scope: .only(["SUB001"]))
        }
        #expect(try await store.alarms(AlarmFilter(scope: .all, states: [.acknowledgedActive])).isEmpty)  // none changed
        do {
            _ = try await engine.act(ids: [ids[1]], .acknowledge(comment: nil), by: "op", scope: .only(["SUB001"]))
            Issue.record("acknowledged outside the grant")
        } catch { #expect(error.code == .forbidden) }
        do {
            _ = try await engine.act(ids: [999], .acknowledge(comment: nil), by: "op", scope: .all)
            Issue.record("unknown id")
        } catch { #expect(error.code == .notFound) }
        _ = try await engine.act(ids: [ids[0]], .acknowledge(comment: nil), by: "op", scope: .only(["SUB001"]))
        do {
            _ = try await engine.act(ids: [ids[0]], .acknowledge(comment: nil), by: "op", scope: .all)
            Issue.record("acknowledged twice")
        } catch { #expect(error.code == .conflict) }
        do {
            _ = try await engine.act(ids: [ids[0]], .shelve(until: clock.now + 9 * 3_600_000, reason: "x"), by: "op", scope: .all)
            Issue.record("shelved past the maximum")
        } catch { #expect(error.code == .validationFailed && error.field == "until") }
        #expect(try await engine.alarms(AlarmFilter(scope: .only(["SUB002"]))).map(\.id) == [ids[1]])
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func shelvesExpireInTheSweep(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = Self.engine(store, clock) { $0.silenceSeconds = 0 }
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F1", ts: clock.now)])
        let id = try #require(try await store.alarms(AlarmFilter(scope: .all)).first?.id)
        _ = try await engine.act(ids: [id], .shelve(until: clock.now + 60_000, reason: "switching"), by: "op", scope: .all)
        #expect(await engine.sweep().isEmpty)
        clock.advance(seconds: 60)
        #expect(await engine.sweep().map(\.state) == [.unacknowledgedActive])
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func silenceRaisesOnceAndReturnsWhenReadingsResume(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = Self.engine(store, clock) { $0.silenceSeconds = 60 }
        let reading = { (ts: Int64) in
            IngestWrite(
                telemetry: [StoredTelemetry(Telemetry(substationID: "SUB004", feederID: "F1", frequencyHz: 60, ts: SourceTime(epochMilliseconds: ts)), arrival: ts)],
                arrival: ts)
        }
        _ = try await store.commit([reading(clock.now)])
        #expect(await engine.sweep().isEmpty)
        clock.advance(seconds: 61)
        #expect(await engine.sweep().map(\.type) == [.substationSilent])
        clock.advance(seconds: 30)
        #expect(await engine.sweep().isEmpty)  // still silent: not raised again
        _ = try await store.commit([reading(clock.now)])
        #expect(await engine.sweep().map(\.state) == [.returnedUnacknowledged])
        #expect(try await store.alarms(AlarmFilter(scope: .all)).first?.raiseCount == 1)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func aShelvedOrOutOfServiceAlarmSendsNoMail(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let alarms = Self.engine(store, clock)
        let alerts = AlertFixtures.engine(store, clock: clock)
        func trip(_ feeder: String) async -> AlertLogEntry? {
            let e = AlertFixtures.event("FEEDER_TRIP", feeder: feeder, ts: clock.now)
            await alarms.eventsStored([e])
            return await alerts.eventsStored([e]).first
        }
        #expect(await trip("F1")?.outcome == "sent")
        let id = try #require(try await store.alarms(AlarmFilter(scope: .all)).first?.id)
        _ = try await alarms.act(ids: [id], .shelve(until: clock.now + 3_600_000, reason: "known fault"), by: "op", scope: .all)
        clock.advance(seconds: 1900)  // past the 30 min trip cooldown
        #expect(await trip("F1")?.reason == "shelved")
        let restore = AlertFixtures.event("FEEDER_RESTORE", feeder: "F1", severity: "INFO", ts: clock.now)
        await alarms.eventsStored([restore])
        #expect(await alerts.eventsStored([restore]).first?.reason == "shelved")
        _ = try await alarms.act(ids: [id], .unshelve, by: "op", scope: .all)  // condition gone: cleared
        #expect(await trip("F1")?.outcome == "sent")
        let next = try #require(try await store.alarms(AlarmFilter(scope: .all)).first?.id)
        _ = try await alarms.act(ids: [next], .removeFromService(reason: "breaker under test"), by: "op", scope: .all)
        clock.advance(seconds: 1900)
        #expect(await trip("F1")?.reason == "out_of_service")
    }
}
