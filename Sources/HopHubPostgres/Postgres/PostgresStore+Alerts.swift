import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// Alert decisions, cooldowns and the sent-trip memory (`PostgresSchema+Alerting`), decided once
/// across replicas: a decision takes the transaction-scoped advisory lock of its cap group before
/// reading anything, so two replicas deciding alerts of one group (the same trip delivered to
/// both, or two anomalies racing for the cap's last slot) decide one after the other, the second
/// seeing the first's cooldown, trip memory and log row.
extension PostgresStore: AlertStore {
    public func decideAlert(_ candidate: AlertCandidate, policy: AlertPolicy, message: OutboxMessage, now: Int64) async throws
        -> AlertLogEntry
    {
        let logger = self.logger
        return try await transaction { c in
            try await Self.lock(c, .alertCapGroup, candidate.kind.capGroup, logger: logger)
            try await Self.removePendingAlert(candidate, c, logger: logger)
            let state = try await Self.alertState(c, candidate, now: now, logger: logger)
            var reason = policy.verdict(candidate, state: state, now: now)
            if reason == nil, message.recipients.isEmpty { reason = .noRecipients }
            let detail = reason.map { $0.detail(for: candidate, policy: policy) } ?? message.subject
            let outcome = reason == nil ? "sent" : "suppressed"
            let logID = try await c.integer(
                """
                INSERT INTO alert_log (decided_at, kind, cap_group, substation_id, feeder_id, outcome, reason, source_ts, detail)
                VALUES (\(now), \(candidate.kind.rawValue), \(candidate.kind.capGroup), \(candidate.substationID?.rawValue),
                        \(candidate.feederID), \(outcome), \(reason?.rawValue), \(candidate.sourceTs), \(detail))
                RETURNING id
                """, logger: logger)
            if reason == nil { try await Self.recordSent(c, candidate, message: message, logID: logID, now: now, logger: logger) }
            return AlertLogEntry(
                id: logID, decidedAt: SourceTime(epochMilliseconds: now), kind: candidate.kind.rawValue,
                substationID: candidate.substationID, feederID: Self.feeder(candidate.feederID), outcome: outcome,
                reason: reason?.rawValue, sourceTime: SourceTime(epochMilliseconds: candidate.sourceTs), detail: detail)
        }
    }

    static func alertState(_ c: PostgresConnection, _ candidate: AlertCandidate, now: Int64, logger: Logger) async throws -> AlertState {
        let lastSent = try await c.rows(
            "SELECT last_sent FROM alert_cooldowns WHERE kind = \(candidate.kind.rawValue) AND source = \(candidate.source)", logger: logger
        ).first.map { try $0.decode(Int64.self) }
        let sent = try await c.integer(
            """
            SELECT count(*) FROM alert_log
            WHERE cap_group = \(candidate.kind.capGroup) AND outcome = 'sent' AND decided_at > \(now - 3_600_000)
            """, logger: logger)
        let trip = try await c.rows(
            """
            SELECT 1 FROM alert_trips WHERE substation_id = \(candidate.substationID?.rawValue ?? "") AND feeder_id = \(candidate.feederID ?? "")
            """, logger: logger)
        var held: AlarmState?
        if let key = candidate.alarmKey {
            held = try await c.rows(
                """
                SELECT state FROM alarms WHERE type = \(key.type.rawValue) AND substation_id = \(key.substationID.rawValue)
                  AND point = \(key.point) AND (state = 'out_of_service' OR (state = 'shelved' AND shelved_until > \(now)))
                """, logger: logger
            ).first.flatMap { AlarmState(rawValue: try $0.decode(String.self)) }
        }
        return AlertState(lastSent: lastSent, sentInLastHour: Int(sent), tripAlertSent: !trip.isEmpty, alarmHeld: held)
    }

    static func recordSent(
        _ c: PostgresConnection, _ candidate: AlertCandidate, message: OutboxMessage, logID: Int64, now: Int64, logger: Logger
    ) async throws {
        _ = try await c.rows(
            """
            INSERT INTO alert_cooldowns (kind, source, last_sent) VALUES (\(candidate.kind.rawValue), \(candidate.source), \(now))
            ON CONFLICT (kind, source) DO UPDATE SET last_sent = excluded.last_sent
            """, logger: logger)
        let sub = candidate.substationID?.rawValue ?? ""
        let feeder = candidate.feederID ?? ""
        switch candidate.kind {
        case .trip:
            _ = try await c.rows(
                """
                INSERT INTO alert_trips (substation_id, feeder_id, sent_at) VALUES (\(sub), \(feeder), \(now))
                ON CONFLICT (substation_id, feeder_id) DO UPDATE SET sent_at = excluded.sent_at
                """, logger: logger)
        case .restore:
            // The restore closes the trip: a second restore without a new trip alert is suppressed.
            _ = try await c.rows("DELETE FROM alert_trips WHERE substation_id = \(sub) AND feeder_id = \(feeder)", logger: logger)
        case .anomaly:
            break
        }
        _ = try await c.rows(
            """
            INSERT INTO alert_outbox (log_id, recipients, subject, body, created_at, next_attempt_at)
            VALUES (\(logID), \(message.recipients.joined(separator: ",")), \(message.subject), \(message.body), \(now), \(now))
            """, logger: logger)
    }

    public func alertLog(since: Int64, scope: SubstationScope, limit: Int) async throws -> [AlertLogEntry] {
        let logger = self.logger
        let (all, ids) = Self.scopeBinds(scope)
        return try await read { c in
            try await c.rows(
                """
                SELECT id, decided_at, kind, substation_id, feeder_id, outcome, reason, source_ts, detail FROM alert_log
                WHERE decided_at >= \(since) AND (\(all) OR substation_id = ANY(\(ids)::text[]))
                ORDER BY id DESC LIMIT \(Int64(limit))
                """, logger: logger
            ).map { row in
                let r = try row.decode((Int64, Int64, String, String?, String?, String, String?, Int64, String).self)
                return AlertLogEntry(
                    id: r.0, decidedAt: SourceTime(epochMilliseconds: r.1), kind: r.2, substationID: r.3.map(SubstationID.init),
                    feederID: Self.feeder(r.4), outcome: r.5, reason: r.6, sourceTime: SourceTime(epochMilliseconds: r.7), detail: r.8)
            }
        }
    }

    public func siteName(of substation: SubstationID) async throws -> String? {
        let rows = try await fetch("SELECT site_name FROM substations WHERE substation_id = \(substation.rawValue)")
        for name in try rows.decode(String?.self) { return name }
        return nil
    }
}
