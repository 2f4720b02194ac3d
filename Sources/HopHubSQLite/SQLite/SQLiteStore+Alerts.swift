import HopHubCore
import GRDB
import HopProtocol

extension SQLiteStore: AlertStore {
    public func decideAlert(_ candidate: AlertCandidate, policy: AlertPolicy, message: OutboxMessage, now: Int64) async throws
        -> AlertLogEntry
    {
        // `write` runs an IMMEDIATE transaction: the verdict reads and the log insert are not interleaved.
        try await pool.write { db in
            try Self.removePendingAlert(candidate, db)
            let state = try Self.alertState(db, candidate, now: now)
            var reason = policy.verdict(candidate, state: state, now: now)
            if reason == nil, message.recipients.isEmpty { reason = .noRecipients }
            let detail = reason.map { $0.detail(for: candidate, policy: policy) } ?? message.subject
            try db.execute(
                sql: """
                    INSERT INTO alert_log (decided_at, kind, cap_group, substation_id, feeder_id, outcome, reason, source_ts, detail)
                    VALUES (?,?,?,?,?,?,?,?,?)
                    """,
                arguments: [
                    now, candidate.kind.rawValue, candidate.kind.capGroup, candidate.substationID?.rawValue,
                    candidate.feederID, reason == nil ? "sent" : "suppressed", reason?.rawValue, candidate.sourceTs, detail,
                ])
            let logID = db.lastInsertedRowID
            if reason == nil { try Self.recordSent(db, candidate, message: message, logID: logID, now: now) }
            return AlertLogEntry(
                id: logID, decidedAt: SourceTime(epochMilliseconds: now), kind: candidate.kind.rawValue,
                substationID: candidate.substationID, feederID: Self.feeder(candidate.feederID),
                outcome: reason == nil ? "sent" : "suppressed", reason: reason?.rawValue,
                sourceTime: SourceTime(epochMilliseconds: candidate.sourceTs), detail: detail)
        }
    }

    static func alertState(_ db: Database, _ candidate: AlertCandidate, now: Int64) throws -> AlertState {
        let lastSent = try Int64.fetchOne(
            db, sql: "SELECT last_sent FROM alert_cooldowns WHERE kind = ? AND source = ?",
            arguments: [candidate.kind.rawValue, candidate.source])
        let sent =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM alert_log WHERE cap_group = ? AND outcome = 'sent' AND decided_at > ?",
                arguments: [candidate.kind.capGroup, now - 3_600_000]) ?? 0
        let trip =
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM alert_trips WHERE substation_id = ? AND feeder_id = ?",
                arguments: [candidate.substationID?.rawValue ?? "", candidate.feederID ?? ""]) ?? false
        var held: AlarmState?
        if let key = candidate.alarmKey {
            held = try String.fetchOne(
                db,
                sql: """
                    SELECT state FROM alarms WHERE type = ? AND substation_id = ? AND point = ?
                      AND (state = 'out_of_service' OR (state = 'shelved' AND shelved_until > ?))
                    """,
                arguments: [key.type.rawValue, key.substationID.rawValue, key.point, now]
            ).flatMap(AlarmState.init(rawValue:))
        }
        return AlertState(lastSent: lastSent, sentInLastHour: sent, tripAlertSent: trip, alarmHeld: held)
    }

    static func recordSent(_ db: Database, _ candidate: AlertCandidate, message: OutboxMessage, logID: Int64, now: Int64) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO alert_cooldowns (kind, source, last_sent) VALUES (?,?,?)",
            arguments: [candidate.kind.rawValue, candidate.source, now])
        let sub = candidate.substationID?.rawValue ?? ""
        let feeder = candidate.feederID ?? ""
        switch candidate.kind {
        case .trip:
            try db.execute(
                sql: "INSERT OR REPLACE INTO alert_trips (substation_id, feeder_id, sent_at) VALUES (?,?,?)",
                arguments: [sub, feeder, now])
        case .restore:
            // The restore closes the trip: a second restore without a new trip alert is suppressed.
            try db.execute(sql: "DELETE FROM alert_trips WHERE substation_id = ? AND feeder_id = ?", arguments: [sub, feeder])
        case .anomaly:
            break
        }
        try db.execute(
            sql: """
                INSERT INTO alert_outbox (log_id, recipients, subject, body, created_at, next_attempt_at)
                VALUES (?,?,?,?,?,?)
                """,
            arguments: [logID, message.recipients.joined(separator: ","), message.subject, message.body, now, now])
    }

    public func alertLog(since: Int64, scope: SubstationScope, limit: Int) async throws -> [AlertLogEntry] {
        let filter = Self.scopeFilter("substation_id", scope)
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM alert_log WHERE decided_at >= ?\(filter.sql) ORDER BY id DESC LIMIT ?",
                arguments: [since] + filter.arguments + [limit]
            ).map { row in
                AlertLogEntry(
                    id: row["id"], decidedAt: SourceTime(epochMilliseconds: row["decided_at"]), kind: row["kind"],
                    substationID: (row["substation_id"] as String?).map(SubstationID.init),
                    feederID: Self.feeder(row["feeder_id"]), outcome: row["outcome"], reason: row["reason"],
                    sourceTime: SourceTime(epochMilliseconds: row["source_ts"]), detail: row["detail"])
            }
        }
    }

    public func claimOutbox(now: Int64, limit: Int, claimMs: Int64) async throws -> [OutboxItem] {
        try await pool.write { db in
            let items = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, recipients, subject, body, attempts FROM alert_outbox
                    WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?
                    """,
                arguments: [now, limit]
            ).map { row in
                OutboxItem(
                    id: row["id"],
                    message: OutboxMessage(
                        recipients: (row["recipients"] as String).split(separator: ",").map(String.init),
                        subject: row["subject"], body: row["body"]),
                    attempts: row["attempts"])
            }
            for item in items {
                try db.execute(
                    sql: "UPDATE alert_outbox SET next_attempt_at = ? WHERE id = ?", arguments: [now + claimMs, item.id])
            }
            return items
        }
    }

    public func markDelivered(id: Int64, now: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE alert_outbox SET delivered_at = ?, last_error = NULL WHERE id = ?", arguments: [now, id])
        }
    }

    public func markFailed(id: Int64, error: String, retryAt: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                arguments: [error, retryAt, id])
        }
    }

    public func siteName(of substation: SubstationID) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT site_name FROM substations WHERE substation_id = ?", arguments: [substation.rawValue])
        }
    }

    public func nextOutboxAttempt() async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM alert_outbox WHERE delivered_at IS NULL")
        }
    }
}
