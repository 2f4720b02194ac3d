import Foundation
import HopHubCore
import PostgresNIO

/// The open live streams of every replica (`live_streams`). Opening takes a transaction-scoped
/// advisory lock on the caller, so two replicas opening the same caller's streams at once count one
/// after the other and the limit holds exactly.
extension PostgresStore: LiveStreamRegistry {
    public func openStream(_ id: UUID, caller: String, limit: Int, now: Int64, staleAfterMs: Int64) async throws -> Bool {
        let logger = self.logger
        return try await transaction { c in
            try await c.query("SELECT pg_advisory_xact_lock(hashtextextended(\(caller), 7))", logger: logger)
            let open = try await c.integer(
                "SELECT count(*) FROM live_streams WHERE caller = \(caller) AND seen_at > \(now - staleAfterMs)", logger: logger)
            guard open < Int64(limit) else { return false }
            try await c.query(
                "INSERT INTO live_streams (id, caller, opened_at, seen_at) VALUES (\(id), \(caller), \(now), \(now))", logger: logger)
            return true
        }
    }

    public func closeStreams(_ ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        let logger = self.logger
        try await transaction { c in
            _ = try await c.query("DELETE FROM live_streams WHERE id = ANY(\(ids))", logger: logger)
        }
    }

    public func refreshStreams(_ ids: [UUID], now: Int64, staleAfterMs: Int64) async throws {
        let logger = self.logger
        try await transaction { c in
            if !ids.isEmpty {
                try await c.query("UPDATE live_streams SET seen_at = \(now) WHERE id = ANY(\(ids))", logger: logger)
            }
            try await c.query("DELETE FROM live_streams WHERE seen_at <= \(now - staleAfterMs)", logger: logger)
        }
    }
}
