import Logging
import PostgresNIO

/// Transaction-scoped advisory locks: held until the transaction commits or rolls back, so a
/// pooled connection never keeps one after its work (session-level locks would stay with the
/// connection). The two-integer form keeps the spaces apart: the space, and `hashtext` of the name.
enum PostgresLockSpace: Int32, Sendable {
    /// Alert decisions of one cap group (`AlertKind.capGroup`).
    case alertCapGroup = 0x6870_0001
    /// Every change of `login_throttle` (one space-wide lock: logins are rare, their counts exact).
    case loginThrottle = 0x6870_0002
    /// Rate-limited audit rows of one `audit_throttle` key.
    case auditThrottle = 0x6870_0003
}

extension PostgresStore {
    /// Waits for, then holds until the end of the current transaction, the lock of `name` in `space`.
    static func lock(_ c: PostgresConnection, _ space: PostgresLockSpace, _ name: String, logger: Logger) async throws {
        _ = try await c.rows("SELECT pg_advisory_xact_lock(\(space.rawValue), hashtext(\(name)))::text", logger: logger)
    }

    /// Whether `error` is the server refusing a row that breaks a unique index (SQLSTATE 23505),
    /// optionally a given one.
    static func isUniqueViolation(_ error: any Error, index: String? = nil) -> Bool {
        guard let psql = error as? PSQLError, psql.serverInfo?[.sqlState] == "23505" else { return false }
        guard let index else { return true }
        return psql.serverInfo?[.constraintName] == index
    }
}

extension PostgresStore {
    /// Whether `error` (also as the store wraps it) is the server ending a transaction that was
    /// part of a deadlock (SQLSTATE 40P01): the other transaction went on, and this one can be
    /// run again.
    static func isDeadlock(_ error: any Error) -> Bool {
        let server = (error as? PostgresStoreError)?.underlying ?? error
        return (server as? PSQLError)?.serverInfo?[.sqlState] == "40P01"
    }
}

extension PostgresStore {
    /// Runs an UPDATE (or DELETE) and returns how many rows it changed.
    static func changed(_ c: PostgresConnection, _ statement: PostgresQuery, logger: Logger) async throws -> Int {
        try await deleted(c, statement, logger: logger)
    }
}
