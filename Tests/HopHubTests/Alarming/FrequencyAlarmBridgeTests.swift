import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHubCore
@testable import HopHubSQLite

/// The frequency judge's transitions as alarms on the real store: each condition its own alarm,
/// raised at its start and returned at its end, with the event's sentence as message.
@Suite struct FrequencyAlarmBridgeTests {
    static func transition(
        _ condition: FrequencyCondition, _ kind: FrequencyTransition.Kind, ts: Int64, value: Double, limit: Double
    ) -> FrequencyTransition {
        FrequencyTransition(
            substationID: "SUB001", condition: condition, kind: kind, direction: .low, ts: ts, since: ts - 30_000, value: value,
            extreme: value, limit: limit)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func excursionAndUFLSAreSeparateAlarmsEachReturnedByItsOwnEnd(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let bridge = FrequencyAlarmBridge(alarms: AlarmEngineTests.engine(store, clock))
        let t0 = clock.now
        await bridge.frequencyTransitions([
            Self.transition(.excursionAlarm, .started, ts: t0, value: 59.7, limit: 59.85),
            Self.transition(.uflsWarning, .started, ts: t0 + 1_000, value: 59.45, limit: 59.5),
        ])
        var alarms = try await store.alarms(AlarmFilter(scope: .all))
        #expect(Set(alarms.map(\.type)) == [.frequencyExcursion, .uflsWarning])
        #expect(alarms.allSatisfy { $0.state == .unacknowledgedActive && $0.priority == .critical && $0.substationID == "SUB001" })
        let excursion = try #require(alarms.first { $0.type == .frequencyExcursion })
        #expect(excursion.message.contains("59.700 Hz below the 59.850 Hz alarm limit"))

        // The UFLS warning ends first: only its alarm returns to normal.
        await bridge.frequencyTransitions([Self.transition(.uflsWarning, .ended, ts: t0 + 5_000, value: 59.6, limit: 59.5)])
        alarms = try await store.alarms(AlarmFilter(scope: .all))
        #expect(alarms.first { $0.type == .uflsWarning }?.state == .returnedUnacknowledged)
        #expect(alarms.first { $0.type == .frequencyExcursion }?.state == .unacknowledgedActive)

        await bridge.frequencyTransitions([Self.transition(.excursionAlarm, .ended, ts: t0 + 9_000, value: 59.9, limit: 59.85)])
        alarms = try await store.alarms(AlarmFilter(scope: .all))
        #expect(alarms.allSatisfy { $0.state == .returnedUnacknowledged })
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func rocofRaisesTheRocofAlarmAndConditionsMapToTheirTypes(_ backend: StoreContractTests.Backend) async throws {
        #expect(FrequencyAlarmBridge.alarmType(.excursionAlarm) == .frequencyExcursion)
        #expect(FrequencyAlarmBridge.alarmType(.uflsWarning) == .uflsWarning)
        #expect(FrequencyAlarmBridge.alarmType(.rocof) == .rocof)
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let bridge = FrequencyAlarmBridge(alarms: AlarmEngineTests.engine(store, clock))
        await bridge.frequencyTransitions([Self.transition(.rocof, .started, ts: clock.now, value: -0.4, limit: 0.1)])
        let alarm = try #require(try await store.alarms(AlarmFilter(scope: .all)).first)
        #expect(alarm.type == .rocof && alarm.value == -0.4 && alarm.message.contains("RoCoF -0.400 Hz/s"))
    }
}

/// A hub restarted while a frequency condition was active: the judge takes it up from the open
/// alarm, so the first reading back within the limit returns the alarm.
@Suite struct FrequencyRestartTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func anAlarmOpenAtRestartReturnsAtTheFirstReadingBackInside(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = AlarmEngineTests.engine(store, clock)
        let settings = FrequencySettings(preset: .seed)
        let t0 = clock.now
        // Before the restart: an excursion low and a RoCoF rise alarmed at SUB001.
        await FrequencyAlarmBridge(alarms: engine).frequencyTransitions([
            FrequencyAlarmBridgeTests.transition(.excursionAlarm, .started, ts: t0, value: 59.7, limit: 59.85),
            FrequencyTransition(
                substationID: "SUB001", condition: .rocof, kind: .started, direction: .high, ts: t0, since: t0 - 1_000, value: 0.4,
                extreme: 0.4, limit: 0.1),
        ])
        let open = try await FrequencyAlarmBridge.activeConditions(in: store, settings: settings)
        #expect(Set(open.map(\.condition)) == [.excursionAlarm, .rocof])
        #expect(open.first { $0.condition == .excursionAlarm }?.direction == .low)
        #expect(open.first { $0.condition == .rocof }?.direction == .high)

        // After it: a fresh judge; without taking them up, readings back inside end nothing.
        var fresh = FrequencyJudge(settings: settings)
        #expect(fresh.observe("SUB001", ts: t0 + 60_000, hz: 60.0).isEmpty)
        var judge = FrequencyJudge(settings: settings)
        open.forEach { judge.resume($0) }
        let first = judge.observe("SUB001", ts: t0 + 60_000, hz: 60.0)
        #expect(first.map(\.condition) == [.excursionAlarm])
        #expect(first.first?.kind == .ended && first.first?.limit == settings.alarmLowHz)
        // RoCoF needs two readings: a flat second interval ends it.
        let second = judge.observe("SUB001", ts: t0 + 61_000, hz: 60.0)
        #expect(second.map(\.condition) == [.rocof] && second.first?.kind == .ended)
        await FrequencyAlarmBridge(alarms: engine).frequencyTransitions(first + second)
        let alarms = try await store.alarms(AlarmFilter(scope: .all))
        #expect(alarms.count == 2 && alarms.allSatisfy { $0.state == .returnedUnacknowledged })
    }
}
