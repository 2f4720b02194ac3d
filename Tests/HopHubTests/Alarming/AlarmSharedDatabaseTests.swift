import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Two hub processes over one database (two stores on one SQLite file, or two pools on one
/// PostgreSQL database): a raise by either goes to the same open alarm, an acknowledgement is taken
/// once, and a shelf ends once.
@Suite struct AlarmSharedDatabaseTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func twoStoresShareOpenAlarmsAndTakeEachTransitionOnce(_ backend: StoreContractTests.Backend) async throws {
        let database = try await TestDatabase.fresh(backend)
        let clock = TestClock()
        let a = AlarmEngineTests.engine(try await database.open(), clock) { $0.silenceSeconds = 0 }
        let b = AlarmEngineTests.engine(try await database.open(), clock) { $0.silenceSeconds = 0 }
        let trip = AlertFixtures.event("FEEDER_TRIP", feeder: "F1", ts: clock.now)
        async let one: Void = a.eventsStored([trip])
        async let two: Void = b.eventsStored([trip])
        _ = await (one, two)
        let open = try await a.alarms(AlarmFilter(scope: .all))
        #expect(open.count == 1 && open.first?.raiseCount == 2)
        let id = try #require(open.first?.id)

        _ = try await a.act(ids: [id], .acknowledge(comment: nil), by: "op1", scope: .all)
        do {
            _ = try await b.act(ids: [id], .acknowledge(comment: nil), by: "op2", scope: .all)
            Issue.record("acknowledged twice")
        } catch { #expect(error.code == .conflict) }

        _ = try await b.act(ids: [id], .shelve(until: clock.now + 60_000, reason: "test"), by: "op2", scope: .all)
        clock.advance(seconds: 61)
        async let expiredA = a.sweep()
        async let expiredB = b.sweep()
        let (ea, eb) = await (expiredA, expiredB)
        #expect(ea.count + eb.count == 1)
        let (alarm, history) = try await a.alarm(id: id, scope: .all)
        #expect(alarm.state == .unacknowledgedActive)
        #expect(history.map(\.event) == ["raised", "reraised", "acknowledged", "shelved", "shelf_expired"])
    }
}

/// Retention: cleared alarms (and their history) go with the events' retention; open ones stay.
@Suite struct AlarmRetentionTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func clearedAlarmsFollowEventRetentionOpenOnesStay(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = AlarmEngineTests.engine(store, clock) { $0.silenceSeconds = 0 }
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F1", ts: clock.now)])
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F2", ts: clock.now)])
        let f1 = try #require(try await store.alarms(AlarmFilter(scope: .all)).first { $0.feederID == "F1" }?.id)
        _ = try await engine.act(ids: [f1], .acknowledge(comment: nil), by: "op", scope: .all)
        await engine.eventsStored([AlertFixtures.event("FEEDER_RESTORE", feeder: "F1", severity: "INFO", ts: clock.now)])
        #expect(try await store.alarm(id: f1)?.state == .cleared)
        _ = try await store.applyRetention(rawBefore: 0, rollupBefore: 0, eventsBefore: clock.now + 1, scoresBefore: 0)
        #expect(try await store.alarm(id: f1) == nil)
        #expect(try await store.alarmHistory(id: f1).isEmpty)
        #expect(try await store.alarms(AlarmFilter(scope: .all)).map(\.feederID) == ["F2"])
    }
}
