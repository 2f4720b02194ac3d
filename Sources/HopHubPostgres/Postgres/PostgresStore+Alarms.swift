import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// Stored alarms and their history (`PostgresSchema+Alarms`). Each change is one transaction
/// that locks the rows it reads (`FOR UPDATE`), so two replicas cannot both change one alarm
/// from the same state. One open alarm per key holds across replicas through the partial unique
/// index `alarms_open`: when two replicas raise a new alarm of one key at once, the second's
/// insert waits for the first's commit and is refused; it then reads the alarm the first opened
/// and applies its change to that one (a re-raise), or throws `PostgresAlarmKeyConflict`.
extension PostgresStore: AlarmStore {
    public func changeOpenAlarm(_ key: AlarmKey, _ change: @escaping @Sendable (Alarm?) throws -> AlarmChange?) async throws -> AlarmChange? {
        let logger = self.logger
        return try await transaction { c in
            for attempt in 1...2 {
                let open = try await c.rows(
                    """
                    SELECT \(unescaped: Self.alarmColumns) FROM alarms
                    WHERE type = \(key.type.rawValue) AND substation_id = \(key.substationID.rawValue) AND point = \(key.point)
                      AND state <> 'cleared'
                    FOR UPDATE
                    """, logger: logger
                ).first.map(Self.alarm)
                guard var done = try change(open) else { return nil }
                do {
                    try await Self.savepoint(c, logger: logger) {
                        try await Self.save(&done, point: key.point, c, logger: logger)
                        return true
                    }
                    return done
                } catch where attempt == 1 && Self.isUniqueViolation(error, index: "alarms_open") {
                    continue  // another replica opened this key's alarm first: read it and change that one
                }
            }
            throw PostgresAlarmKeyConflict(key: key)
        }
    }

    public func changeAlarms(ids: [Int64], _ change: @escaping @Sendable (Alarm) throws -> AlarmChange) async throws -> [AlarmChange] {
        let logger = self.logger
        return try await transaction { c in
            // Locked in id order, so two replicas changing overlapping sets cannot deadlock.
            var byID: [Int64: (Alarm, String)] = [:]
            for row in try await c.rows(
                "SELECT \(unescaped: Self.alarmColumns) FROM alarms WHERE id = ANY(\(ids)::int8[]) ORDER BY id FOR UPDATE", logger: logger)
            {
                let alarm = try Self.alarm(row)
                byID[alarm.id] = (alarm, try row.makeRandomAccess()["point"].decode(String.self))
            }
            var changes: [AlarmChange] = []
            for id in ids {
                guard let stored = byID[id] else { throw AlarmNotFound(id: id) }
                let (alarm, point) = stored
                var done = try change(changes.last { $0.alarm.id == id }?.alarm ?? alarm)
                try await Self.save(&done, point: point, c, logger: logger)
                changes.append(done)
            }
            return changes
        }
    }

    /// Inserts (id 0) or updates the alarm, then appends its history row.
    static func save(_ change: inout AlarmChange, point: String, _ c: PostgresConnection, logger: Logger) async throws {
        let a = change.alarm
        var b = PostgresBindings()
        b.append(a.type.rawValue)
        b.append(a.substationID.rawValue)
        b.append(point)
        b.append(a.feederID?.rawValue)
        b.append(a.deviceID?.rawValue)
        b.append(a.priority.rawValue)
        b.append(a.state.rawValue)
        b.append(a.active)
        b.append(a.raisedAt.epochMilliseconds)
        b.append(a.lastRaisedAt.epochMilliseconds)
        b.append(Int32(a.raiseCount))
        b.append(a.returnedAt?.epochMilliseconds)
        b.append(a.acknowledgedAt?.epochMilliseconds)
        b.append(a.acknowledgedBy)
        b.append(a.acknowledgeComment)
        b.append(a.clearedAt?.epochMilliseconds)
        b.append(a.shelvedUntil?.epochMilliseconds)
        b.append(a.shelvedBy)
        b.append(a.shelveReason)
        b.append(a.outOfServiceBy)
        b.append(a.outOfServiceReason)
        b.append(a.value)
        b.append(a.message)
        b.append(a.updatedAt.epochMilliseconds)
        let names = Self.savedColumns
        let sql: String
        if a.id == 0 {
            let marks = (1...names.count).map { "$\($0)" }.joined(separator: ", ")
            sql = "INSERT INTO alarms (\(names.joined(separator: ", "))) VALUES (\(marks)) RETURNING id"
        } else {
            b.append(a.id)
            let sets = names.enumerated().map { "\($0.element) = $\($0.offset + 1)" }.joined(separator: ", ")
            sql = "UPDATE alarms SET \(sets) WHERE id = $\(names.count + 1) RETURNING id"
        }
        change.alarm.id = try await c.integer(PostgresQuery(unsafeSQL: sql, binds: b), logger: logger)
        let e = change.entry
        _ = try await c.rows(
            """
            INSERT INTO alarm_history (alarm_id, at, recorded_at, event, state, actor, comment, annunciated)
            VALUES (\(change.alarm.id), \(e.at.epochMilliseconds), \(a.updatedAt.epochMilliseconds), \(e.event), \(e.state.rawValue),
                    \(e.actor), \(e.comment), \(change.annunciated))
            """, logger: logger)
    }

    /// The columns `save` writes, in the order of its binds.
    static let savedColumns = [
        "type", "substation_id", "point", "feeder_id", "device_id", "priority", "state", "active", "raised_at", "last_raised_at",
        "raise_count", "returned_at", "acknowledged_at", "acknowledged_by", "acknowledge_comment", "cleared_at", "shelved_until",
        "shelved_by", "shelve_reason", "out_of_service_by", "out_of_service_reason", "value", "message", "updated_at",
    ]
    static let alarmColumns = "id, " + savedColumns.joined(separator: ", ")

    /// A row of `alarmColumns` as an alarm.
    static func alarm(_ row: PostgresRow) throws -> Alarm {
        let r = row.makeRandomAccess()
        func time(_ column: String) throws -> SourceTime? { try r[column].decode(Int64?.self).map(SourceTime.init(epochMilliseconds:)) }
        var a = Alarm(
            id: try r["id"].decode(Int64.self), type: AlarmType(try r["type"].decode(String.self)),
            substationID: SubstationID(try r["substation_id"].decode(String.self)),
            feederID: try r["feeder_id"].decode(String?.self).map { FeederID($0) },
            deviceID: try r["device_id"].decode(String?.self).map { DeviceID($0) },
            priority: AlarmPriority(rawValue: try r["priority"].decode(String.self)) ?? .medium,
            state: AlarmState(rawValue: try r["state"].decode(String.self)) ?? .unacknowledgedActive, active: try r["active"].decode(Bool.self),
            raisedAt: SourceTime(epochMilliseconds: try r["raised_at"].decode(Int64.self)), value: try r["value"].decode(Double?.self),
            message: try r["message"].decode(String.self), updatedAt: SourceTime(epochMilliseconds: try r["updated_at"].decode(Int64.self)))
        a.lastRaisedAt = SourceTime(epochMilliseconds: try r["last_raised_at"].decode(Int64.self))
        a.raiseCount = Int(try r["raise_count"].decode(Int32.self))
        a.returnedAt = try time("returned_at")
        a.acknowledgedAt = try time("acknowledged_at")
        a.acknowledgedBy = try r["acknowledged_by"].decode(String?.self)
        a.acknowledgeComment = try r["acknowledge_comment"].decode(String?.self)
        a.clearedAt = try time("cleared_at")
        a.shelvedUntil = try time("shelved_until")
        a.shelvedBy = try r["shelved_by"].decode(String?.self)
        a.shelveReason = try r["shelve_reason"].decode(String?.self)
        a.outOfServiceBy = try r["out_of_service_by"].decode(String?.self)
        a.outOfServiceReason = try r["out_of_service_reason"].decode(String?.self)
        return a
    }
}

/// Two replicas opened an alarm of one key at once and the refused one's second reading found no
/// open alarm either (the first was cleared in between): the raise is refused, nothing written.
public struct PostgresAlarmKeyConflict: Error, CustomStringConvertible, Sendable {
    public var key: AlarmKey
    public init(key: AlarmKey) { self.key = key }
    public var description: String { "another hub replica opened the \(key) alarm at the same time; the raise was not stored" }
}
