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

    @Test func excursionAndUFLSAreSeparateAlarmsEachReturnedByItsOwnEnd() async throws {
        let store = try SQLiteStore(path: AlertFixtures.tempPath())
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

    @Test func rocofRaisesTheRocofAlarmAndConditionsMapToTheirTypes() async throws {
        #expect(FrequencyAlarmBridge.alarmType(.excursionAlarm) == .frequencyExcursion)
        #expect(FrequencyAlarmBridge.alarmType(.uflsWarning) == .uflsWarning)
        #expect(FrequencyAlarmBridge.alarmType(.rocof) == .rocof)
        let store = try SQLiteStore(path: AlertFixtures.tempPath())
        let clock = TestClock()
        let bridge = FrequencyAlarmBridge(alarms: AlarmEngineTests.engine(store, clock))
        await bridge.frequencyTransitions([Self.transition(.rocof, .started, ts: clock.now, value: -0.4, limit: 0.1)])
        let alarm = try #require(try await store.alarms(AlarmFilter(scope: .all)).first)
        #expect(alarm.type == .rocof && alarm.value == -0.4 && alarm.message.contains("RoCoF -0.400 Hz/s"))
    }
}
