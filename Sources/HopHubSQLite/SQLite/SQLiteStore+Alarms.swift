import HopHubCore
import GRDB
import HopProtocol

extension SQLiteStore: AlarmStore {
    public func changeOpenAlarm(_ key: AlarmKey, _ change: @escaping @Sendable (Alarm?) throws -> AlarmChange?) async throws
        -> AlarmChange?
    {
        try await pool.write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM alarms WHERE type = ? AND substation_id = ? AND point = ? AND state <> 'cleared'",
                arguments: [key.type.rawValue, key.substationID.rawValue, key.point])
            guard var done = try change(row.map(Self.alarm)) else { return nil }
            try Self.save(&done, point: key.point, db)
            return done
        }
    }

    public func changeAlarms(ids: [Int64], _ change: @escaping @Sendable (Alarm) throws -> AlarmChange) async throws -> [AlarmChange] {
        try await pool.write { db in
            var changes: [AlarmChange] = []
            for id in ids {
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM alarms WHERE id = ?", arguments: [id]) else {
                    throw AlarmNotFound(id: id)
                }
                var done = try change(Self.alarm(row))
                try Self.save(&done, point: row["point"], db)
                changes.append(done)
            }
            return changes
        }
    }

    public func alarms(_ filter: AlarmFilter) async throws -> [Alarm] {
        try await pool.read { db in
            var sql = "SELECT * FROM alarms WHERE 1"
            var arguments = StatementArguments()
            if filter.states.isEmpty {
                sql += " AND state <> 'cleared'"
            } else {
                sql += " AND state IN (\(Array(repeating: "?", count: filter.states.count).joined(separator: ",")))"
                arguments += StatementArguments(filter.states.map(\.rawValue).sorted())
            }
            if !filter.priorities.isEmpty {
                sql += " AND priority IN (\(Array(repeating: "?", count: filter.priorities.count).joined(separator: ",")))"
                arguments += StatementArguments(filter.priorities.map(\.rawValue).sorted())
            }
            if let sub = filter.substation {
                sql += " AND substation_id = ?"
                arguments += [sub.rawValue]
            }
            let scope = Self.scopeFilter("substation_id", filter.scope)
            sql += scope.sql
            arguments += scope.arguments
            sql += """
                 ORDER BY CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                 last_raised_at DESC, id DESC LIMIT ?
                """
            arguments += [filter.limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.alarm)
        }
    }

    public func alarm(id: Int64) async throws -> Alarm? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM alarms WHERE id = ?", arguments: [id]).map(Self.alarm) }
    }

    public func alarmHistory(id: Int64) async throws -> [AlarmHistoryEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alarm_history WHERE alarm_id = ? ORDER BY id", arguments: [id]).map { row in
                AlarmHistoryEntry(
                    event: row["event"], at: SourceTime(epochMilliseconds: row["at"]),
                    state: AlarmState(rawValue: row["state"]) ?? .cleared, actor: row["actor"], comment: row["comment"])
            }
        }
    }

    public func expiredShelves(now: Int64) async throws -> [Int64] {
        try await pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM alarms WHERE state = 'shelved' AND shelved_until <= ? ORDER BY id", arguments: [now])
        }
    }

    public func activeAlarmKeys(type: AlarmType) async throws -> [AlarmKey] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT substation_id, point FROM alarms WHERE type = ? AND state <> 'cleared' AND active = 1",
                arguments: [type.rawValue]
            ).map { AlarmKey(type: type, substationID: SubstationID($0["substation_id"] as String), point: $0["point"]) }
        }
    }

    public func alarmRaises(since: Int64, scope: SubstationScope) async throws -> [AlarmRaise] {
        try await pool.read { db in
            let filter = Self.scopeFilter("a.substation_id", scope)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT h.alarm_id, h.recorded_at, h.annunciated, a.type, a.substation_id, a.point, a.priority
                    FROM alarm_history h JOIN alarms a ON a.id = h.alarm_id
                    WHERE h.recorded_at >= ? AND h.event IN ('raised', 'reraised')\(filter.sql)
                    ORDER BY h.recorded_at, h.id
                    """,
                arguments: [since] + filter.arguments
            ).map { row in
                AlarmRaise(
                    alarmID: row["alarm_id"], type: AlarmType(row["type"] as String),
                    substationID: SubstationID(row["substation_id"] as String), point: row["point"], at: row["recorded_at"],
                    annunciated: row["annunciated"], priority: AlarmPriority(rawValue: row["priority"]) ?? .medium)
            }
        }
    }

    public func acknowledgements(since: Int64, scope: SubstationScope) async throws -> [(raisedAt: Int64, acknowledgedAt: Int64)] {
        try await pool.read { db in
            let filter = Self.scopeFilter("substation_id", scope)
            return try Row.fetchAll(
                db, sql: "SELECT raised_at, acknowledged_at FROM alarms WHERE acknowledged_at >= ?\(filter.sql)",
                arguments: [since] + filter.arguments
            ).map { (raisedAt: $0["raised_at"], acknowledgedAt: $0["acknowledged_at"]) }
        }
    }

    public func substationsLastSeen() async throws -> [SubstationID: Int64] {
        try await pool.read { db in
            var seen: [SubstationID: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT substation_id, last_seen FROM substations") {
                seen[SubstationID(row["substation_id"] as String)] = row["last_seen"]
            }
            return seen
        }
    }

    /// Inserts (id 0) or updates the alarm, then appends its history row.
    static func save(_ change: inout AlarmChange, point: String, _ db: Database) throws {
        let a = change.alarm
        let columns: [(String, (any DatabaseValueConvertible)?)] = [
            ("type", a.type.rawValue), ("substation_id", a.substationID.rawValue), ("point", point),
            ("feeder_id", a.feederID?.rawValue), ("device_id", a.deviceID?.rawValue), ("priority", a.priority.rawValue),
            ("state", a.state.rawValue), ("active", a.active), ("raised_at", a.raisedAt.epochMilliseconds),
            ("last_raised_at", a.lastRaisedAt.epochMilliseconds), ("raise_count", a.raiseCount),
            ("returned_at", a.returnedAt?.epochMilliseconds), ("acknowledged_at", a.acknowledgedAt?.epochMilliseconds),
            ("acknowledged_by", a.acknowledgedBy), ("acknowledge_comment", a.acknowledgeComment),
            ("cleared_at", a.clearedAt?.epochMilliseconds), ("shelved_until", a.shelvedUntil?.epochMilliseconds),
            ("shelved_by", a.shelvedBy), ("shelve_reason", a.shelveReason), ("out_of_service_by", a.outOfServiceBy),
            ("out_of_service_reason", a.outOfServiceReason), ("value", a.value), ("message", a.message),
            ("updated_at", a.updatedAt.epochMilliseconds),
        ]
        let values = StatementArguments(columns.map(\.1))
        if a.id == 0 {
            let names = columns.map(\.0).joined(separator: ", ")
            let marks = Array(repeating: "?", count: columns.count).joined(separator: ",")
            try db.execute(sql: "INSERT INTO alarms (\(names)) VALUES (\(marks))", arguments: values)
            change.alarm.id = db.lastInsertedRowID
        } else {
            let sets = columns.map { "\($0.0) = ?" }.joined(separator: ", ")
            try db.execute(sql: "UPDATE alarms SET \(sets) WHERE id = ?", arguments: values + [a.id])
        }
        let e = change.entry
        try db.execute(
            sql: """
                INSERT INTO alarm_history (alarm_id, at, recorded_at, event, state, actor, comment, annunciated)
                VALUES (?,?,?,?,?,?,?,?)
                """,
            arguments: [
                change.alarm.id, e.at.epochMilliseconds, a.updatedAt.epochMilliseconds, e.event, e.state.rawValue, e.actor,
                e.comment, change.annunciated,
            ])
    }

    static func alarm(_ row: Row) -> Alarm {
        var a = Alarm(
            id: row["id"], type: AlarmType(row["type"] as String), substationID: SubstationID(row["substation_id"] as String),
            feederID: (row["feeder_id"] as String?).map { FeederID($0) }, deviceID: (row["device_id"] as String?).map { DeviceID($0) },
            priority: AlarmPriority(rawValue: row["priority"]) ?? .medium,
            state: AlarmState(rawValue: row["state"]) ?? .unacknowledgedActive, active: row["active"],
            raisedAt: SourceTime(epochMilliseconds: row["raised_at"]), value: row["value"], message: row["message"],
            updatedAt: SourceTime(epochMilliseconds: row["updated_at"]))
        func time(_ column: String) -> SourceTime? { (row[column] as Int64?).map(SourceTime.init(epochMilliseconds:)) }
        a.lastRaisedAt = SourceTime(epochMilliseconds: row["last_raised_at"])
        a.raiseCount = row["raise_count"]
        a.returnedAt = time("returned_at")
        a.acknowledgedAt = time("acknowledged_at")
        a.acknowledgedBy = row["acknowledged_by"]
        a.acknowledgeComment = row["acknowledge_comment"]
        a.clearedAt = time("cleared_at")
        a.shelvedUntil = time("shelved_until")
        a.shelvedBy = row["shelved_by"]
        a.shelveReason = row["shelve_reason"]
        a.outOfServiceBy = row["out_of_service_by"]
        a.outOfServiceReason = row["out_of_service_reason"]
        return a
    }
}
