import HopHubCore
import Logging
import PostgresNIO

/// Named job leases (`job_leases`): a row with holder and expiry, taken or renewed by one
/// statement that only overwrites an expired lease or the holder's own. Two replicas asking at
/// once: the second's upsert waits for the first's row, then re-checks its condition against it
/// and leaves it, so exactly one holds the lease. (Not an advisory lock: session-level ones stay
/// with a pooled connection, transaction-level ones end with the call.)
extension PostgresStore: LeaseStore {
    public func acquireLease(_ name: String, holder: String, now: Int64, ttlMs: Int64) async throws -> Bool {
        let logger = self.logger
        return try await transaction { c in
            let taken = try await c.rows(
                """
                INSERT INTO job_leases (name, holder, expires_at) VALUES (\(name), \(holder), \(now + ttlMs))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= \(now)
                RETURNING holder
                """, logger: logger)
            return try taken.first?.decode(String.self) == holder
        }
    }
}
