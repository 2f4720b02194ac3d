import HopHubCore
import Logging
import PostgresNIO

/// The mail outbox (`alert_outbox`). Claiming locks the due rows it takes with
/// `FOR UPDATE SKIP LOCKED` and pushes their next attempt past the claim time in the same
/// statement: a replica claiming at the same moment skips them rather than waiting, and once the
/// claim commits they are no longer due; a replica that dies mid-delivery leaves them due again
/// when its claim time ends.
extension PostgresStore {
    public func claimOutbox(now: Int64, limit: Int, claimMs: Int64) async throws -> [OutboxItem] {
        let logger = self.logger
        let claim: PostgresQuery = """
            WITH due AS (
              SELECT id, next_attempt_at FROM alert_outbox
              WHERE delivered_at IS NULL AND next_attempt_at <= \(now)
              ORDER BY next_attempt_at, id LIMIT \(Int64(limit))
              FOR UPDATE SKIP LOCKED)
            UPDATE alert_outbox o SET next_attempt_at = \(now + claimMs) FROM due WHERE o.id = due.id
            RETURNING o.id, o.recipients, o.subject, o.body, o.attempts, due.next_attempt_at
            """
        let rows = try await transaction { c in try await c.rows(claim, logger: logger) }
        var claimed: [(due: Int64, item: OutboxItem)] = []
        for row in rows {
            let (id, recipients, subject, body, attempts, due) = try row.decode((Int64, String, String, String, Int32, Int64).self)
            let message = OutboxMessage(recipients: recipients.split(separator: ",").map(String.init), subject: subject, body: body)
            claimed.append((due, OutboxItem(id: id, message: message, attempts: Int(attempts))))
        }
        claimed.sort { $0.due != $1.due ? $0.due < $1.due : $0.item.id < $1.item.id }
        return claimed.map(\.item)
    }

    public func markDelivered(id: Int64, now: Int64) async throws {
        let logger = self.logger
        try await transaction { c in
            _ = try await c.rows("UPDATE alert_outbox SET delivered_at = \(now), last_error = NULL WHERE id = \(id)", logger: logger)
        }
    }

    public func markFailed(id: Int64, error: String, retryAt: Int64) async throws {
        let logger = self.logger
        try await transaction { c in
            _ = try await c.rows(
                "UPDATE alert_outbox SET attempts = attempts + 1, last_error = \(error), next_attempt_at = \(retryAt) WHERE id = \(id)",
                logger: logger)
        }
    }

    public func nextOutboxAttempt() async throws -> Int64? {
        let rows = try await fetch("SELECT min(next_attempt_at) FROM alert_outbox WHERE delivered_at IS NULL")
        for next in try rows.decode(Int64?.self) { return next }
        return nil
    }
}
