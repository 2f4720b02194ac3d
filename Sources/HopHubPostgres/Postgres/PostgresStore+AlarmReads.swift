import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// Reads of stored alarms: the list, one alarm and its history, and what the engine and the KPIs ask.
extension PostgresStore {
    public func alarms(_ filter: AlarmFilter) async throws -> [Alarm] {
        let logger = self.logger
        let (all, ids) = Self.scopeBinds(filter.scope)
        let states = filter.states.map(\.rawValue).sorted()
        let priorities = filter.priorities.map(\.rawValue).sorted()
        return try await read { c in
            try await c.rows(
                """
                SELECT \(unescaped: Self.alarmColumns) FROM alarms
                WHERE (cardinality(\(states)::text[]) = 0 AND state <> 'cleared' OR state = ANY(\(states)::text[]))
                  AND (cardinality(\(priorities)::text[]) = 0 OR priority = ANY(\(priorities)::text[]))
                  AND (\(filter.substation?.rawValue)::text IS NULL OR substation_id = \(filter.substation?.rawValue))
                  AND (\(all) OR substation_id = ANY(\(ids)::text[]))
                ORDER BY CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                  last_raised_at DESC, id DESC
                LIMIT \(Int64(filter.limit))
                """, logger: logger
            ).map(Self.alarm)
        }
    }

    public func alarm(id: Int64) async throws -> Alarm? {
        let logger = self.logger
        return try await read { c in
            try await c.rows("SELECT \(unescaped: Self.alarmColumns) FROM alarms WHERE id = \(id)", logger: logger).first.map(Self.alarm)
        }
    }

    public func alarmHistory(id: Int64) async throws -> [AlarmHistoryEntry] {
        let logger = self.logger
        return try await read { c in
            try await c.rows("SELECT event, at, state, actor, comment FROM alarm_history WHERE alarm_id = \(id) ORDER BY id", logger: logger)
                .map { row in
                    let r = try row.decode((String, Int64, String, String?, String?).self)
                    return AlarmHistoryEntry(
                        event: r.0, at: SourceTime(epochMilliseconds: r.1), state: AlarmState(rawValue: r.2) ?? .cleared, actor: r.3,
                        comment: r.4)
                }
        }
    }

    public func expiredShelves(now: Int64) async throws -> [Int64] {
        let logger = self.logger
        return try await read { c in
            try await c.rows("SELECT id FROM alarms WHERE state = 'shelved' AND shelved_until <= \(now) ORDER BY id", logger: logger)
                .map { try $0.decode(Int64.self) }
        }
    }

    public func activeAlarmKeys(type: AlarmType) async throws -> [AlarmKey] {
        let logger = self.logger
        return try await read { c in
            try await c.rows(
                "SELECT substation_id, point FROM alarms WHERE type = \(type.rawValue) AND state <> 'cleared' AND active", logger: logger
            ).map { row in
                let (sub, point) = try row.decode((String, String).self)
                return AlarmKey(type: type, substationID: SubstationID(sub), point: point)
            }
        }
    }

    public func alarmRaises(since: Int64, scope: SubstationScope) async throws -> [AlarmRaise] {
        let logger = self.logger
        let (all, ids) = Self.scopeBinds(scope)
        return try await read { c in
            try await c.rows(
                """
                SELECT h.alarm_id, h.recorded_at, h.annunciated, a.type, a.substation_id, a.point, a.priority
                FROM alarm_history h JOIN alarms a ON a.id = h.alarm_id
                WHERE h.recorded_at >= \(since) AND h.event IN ('raised', 'reraised') AND (\(all) OR a.substation_id = ANY(\(ids)::text[]))
                ORDER BY h.recorded_at, h.id
                """, logger: logger
            ).map { row in
                let r = try row.decode((Int64, Int64, Bool, String, String, String, String).self)
                return AlarmRaise(
                    alarmID: r.0, type: AlarmType(r.3), substationID: SubstationID(r.4), point: r.5, at: r.1, annunciated: r.2,
                    priority: AlarmPriority(rawValue: r.6) ?? .medium)
            }
        }
    }

    public func acknowledgements(since: Int64, scope: SubstationScope) async throws -> [(raisedAt: Int64, acknowledgedAt: Int64)] {
        let logger = self.logger
        let (all, ids) = Self.scopeBinds(scope)
        return try await read { c in
            try await c.rows(
                """
                SELECT raised_at, acknowledged_at FROM alarms
                WHERE acknowledged_at >= \(since) AND (\(all) OR substation_id = ANY(\(ids)::text[]))
                """, logger: logger
            ).map { row in
                let (raised, acknowledged) = try row.decode((Int64, Int64).self)
                return (raisedAt: raised, acknowledgedAt: acknowledged)
            }
        }
    }

    public func substationsLastSeen() async throws -> [SubstationID: Int64] {
        let logger = self.logger
        return try await read { c in
            var seen: [SubstationID: Int64] = [:]
            for row in try await c.rows("SELECT substation_id, last_seen FROM substations", logger: logger) {
                let (sub, last) = try row.decode((String, Int64).self)
                seen[SubstationID(sub)] = last
            }
            return seen
        }
    }
}
