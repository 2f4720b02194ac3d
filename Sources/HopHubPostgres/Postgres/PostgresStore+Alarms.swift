import HopHubCore
import HopProtocol

// PostgreSQL: not yet. Stored alarms and their history.
extension PostgresStore: AlarmStore {
    public func changeOpenAlarm(_ key: AlarmKey, _ change: @Sendable (Alarm?) throws -> AlarmChange?) async throws -> AlarmChange? {
        throw PostgresNotImplemented()
    }
    public func changeAlarms(ids: [Int64], _ change: @Sendable (Alarm) throws -> AlarmChange) async throws -> [AlarmChange] {
        throw PostgresNotImplemented()
    }
    public func alarms(_ filter: AlarmFilter) async throws -> [Alarm] { throw PostgresNotImplemented() }
    public func alarm(id: Int64) async throws -> Alarm? { throw PostgresNotImplemented() }
    public func alarmHistory(id: Int64) async throws -> [AlarmHistoryEntry] { throw PostgresNotImplemented() }
    public func expiredShelves(now: Int64) async throws -> [Int64] { throw PostgresNotImplemented() }
    public func activeAlarmKeys(type: AlarmType) async throws -> [AlarmKey] { throw PostgresNotImplemented() }
    public func alarmRaises(since: Int64, scope: SubstationScope) async throws -> [AlarmRaise] { throw PostgresNotImplemented() }
    public func acknowledgements(since: Int64, scope: SubstationScope) async throws -> [(raisedAt: Int64, acknowledgedAt: Int64)] {
        throw PostgresNotImplemented()
    }
    public func substationsLastSeen() async throws -> [SubstationID: Int64] { throw PostgresNotImplemented() }
}
