import HopHubCore
import Logging
import PostgresNIO

/// The append-only audit log (`audit_log`, `PostgresSchema+Audit`): one fixed statement per read,
/// each filter field a bind that is NULL when unused.
extension PostgresStore: AuditStore, AuditExportStore {
    @discardableResult
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        let logger = self.logger
        return try await transaction { c in try await Self.append(entry, c, logger: logger) }
    }

    public func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry] {
        try await auditRows(filter, afterID: nil, newestFirst: true)
    }

    public func auditPage(_ filter: AuditFilter, afterID: Int64?) async throws -> [AuditEntry] {
        try await auditRows(filter, afterID: afterID, newestFirst: false)
    }

    public func auditCount(_ filter: AuditFilter) async throws -> Int {
        let logger = self.logger
        var query = Self.auditWhere(filter, afterID: nil)
        query.sql = "SELECT count(*) FROM audit_log WHERE " + query.sql
        let count = query
        return try await read { c in Int(try await c.integer(count, logger: logger)) }
    }

    /// Appends inside a caller's transaction, so a change and its audit row commit together or not at all.
    @discardableResult
    static func append(_ entry: AuditEntry, _ c: PostgresConnection, logger: Logger) async throws -> AuditEntry {
        var stored = entry
        stored.id = try await c.integer(
            """
            INSERT INTO audit_log (at, actor, action, target, source_address, outcome, detail)
            VALUES (\(entry.at), \(entry.actor), \(entry.action.rawValue), \(entry.target), \(entry.sourceAddress),
                    \(entry.outcome.rawValue), \(entry.detail))
            RETURNING id
            """, logger: logger)
        return stored
    }

    /// Up to `filter.limit` matching entries after `afterID`, newest or oldest first.
    func auditRows(_ filter: AuditFilter, afterID: Int64?, newestFirst: Bool) async throws -> [AuditEntry] {
        let logger = self.logger
        var query = Self.auditWhere(filter, afterID: afterID)
        query.sql = "SELECT id, at, actor, action, target, source_address, outcome, detail FROM audit_log WHERE " + query.sql
            + " ORDER BY id \(newestFirst ? "DESC" : "ASC") LIMIT $\(query.binds.count + 1)"
        query.binds.append(Int64(filter.limit))
        let rows = query
        return try await read { c in
            try await c.rows(rows, logger: logger).map { row in
                try Self.auditEntry(row.decode((Int64, Int64, String, String, String?, String?, String, String).self))
            }
        }
    }

    /// The filter as one condition of NULL-able binds (a NULL bind matches every row), its binds
    /// numbered from `$1`: callers put it first and append their own binds after.
    static func auditWhere(_ f: AuditFilter, afterID: Int64?) -> PostgresQuery {
        """
        (\(f.actor)::text IS NULL OR actor = \(f.actor)) AND (\(f.action?.rawValue)::text IS NULL OR action = \(f.action?.rawValue))
        AND (\(f.target)::text IS NULL OR target = \(f.target)) AND (\(f.outcome?.rawValue)::text IS NULL OR outcome = \(f.outcome?.rawValue))
        AND (\(f.since)::int8 IS NULL OR at >= \(f.since)) AND (\(f.until)::int8 IS NULL OR at < \(f.until))
        AND (\(f.beforeID)::int8 IS NULL OR id < \(f.beforeID)) AND (\(afterID)::int8 IS NULL OR id > \(afterID))
        """
    }

    typealias AuditRow = (Int64, Int64, String, String, String?, String?, String, String)

    /// A row as an entry; an action or outcome this build does not know is an error, not a guess.
    static func auditEntry(_ r: AuditRow) throws -> AuditEntry {
        guard let action = AuditAction(rawValue: r.3), let outcome = AuditOutcome(rawValue: r.6) else {
            throw PostgresRowError(table: "audit_log", id: "\(r.0)", problem: "unknown action '\(r.3)' or outcome '\(r.6)'")
        }
        return AuditEntry(id: r.0, at: r.1, actor: r.2, action: action, target: r.4, sourceAddress: r.5, outcome: outcome, detail: r.7)
    }
}
