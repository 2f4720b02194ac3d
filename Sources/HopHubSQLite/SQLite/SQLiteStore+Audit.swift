import HopHubCore
import GRDB

extension SQLiteStore: AuditStore {
    @discardableResult
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        try await pool.write { db in try Self.append(entry, db) }
    }

    public func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry] {
        try await auditRows(filter, afterID: nil, newestFirst: true)
    }

    /// Up to `filter.limit` matching entries after `afterID`, newest or oldest first.
    func auditRows(_ filter: AuditFilter, afterID: Int64?, newestFirst: Bool) async throws -> [AuditEntry] {
        let (whereSQL, arguments) = Self.auditWhere(filter, afterID: afterID)
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_log \(whereSQL) ORDER BY id \(newestFirst ? "DESC" : "ASC") LIMIT ?",
                arguments: arguments + [filter.limit]
            ).map(Self.auditEntry)
        }
    }

    /// Appends inside a caller's transaction, so a change and its audit row commit together or not at all.
    @discardableResult
    static func append(_ entry: AuditEntry, _ db: Database) throws -> AuditEntry {
        try db.execute(
            sql: """
                INSERT INTO audit_log (at, actor, action, target, source_address, outcome, detail)
                VALUES (?,?,?,?,?,?,?)
                """,
            arguments: [
                entry.at, entry.actor, entry.action.rawValue, entry.target, entry.sourceAddress, entry.outcome.rawValue,
                entry.detail,
            ])
        var stored = entry
        stored.id = db.lastInsertedRowID
        return stored
    }

    /// The WHERE clause (possibly empty) and its arguments for a filter, optionally after an id.
    static func auditWhere(_ filter: AuditFilter, afterID: Int64?) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        func add(_ clause: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            clauses.append(clause)
            arguments += [value]
        }
        add("actor = ?", filter.actor)
        add("action = ?", filter.action?.rawValue)
        add("target = ?", filter.target)
        add("outcome = ?", filter.outcome?.rawValue)
        add("at >= ?", filter.since)
        add("at < ?", filter.until)
        add("id < ?", filter.beforeID)
        add("id > ?", afterID)
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    /// A row as an entry; an action or outcome this build does not know is an error, not a guess.
    static func auditEntry(_ row: Row) throws -> AuditEntry {
        guard let action = AuditAction(rawValue: row["action"]), let outcome = AuditOutcome(rawValue: row["outcome"])
        else {
            throw DatabaseError(message: "audit_log row \(row["id"] as Int64) has an unknown action or outcome")
        }
        return AuditEntry(
            id: row["id"], at: row["at"], actor: row["actor"], action: action, target: row["target"],
            sourceAddress: row["source_address"], outcome: outcome, detail: row["detail"])
    }
}

extension SQLiteStore: AuditExportStore {
    public func auditPage(_ filter: AuditFilter, afterID: Int64?) async throws -> [AuditEntry] {
        try await auditRows(filter, afterID: afterID, newestFirst: false)
    }

    public func auditCount(_ filter: AuditFilter) async throws -> Int {
        let (whereSQL, arguments) = Self.auditWhere(filter, afterID: nil)
        return try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log \(whereSQL)", arguments: arguments) ?? 0
        }
    }
}
