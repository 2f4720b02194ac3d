import GRDB

extension SQLiteStore: AuditStore {
    @discardableResult
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO audit_log (at, actor, action, target, source_address, outcome, detail)
                    VALUES (?,?,?,?,?,?,?)
                    """,
                arguments: [
                    entry.at, entry.actor, entry.action.rawValue, entry.target, entry.sourceAddress,
                    entry.outcome.rawValue, entry.detail,
                ])
            var stored = entry
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry] {
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
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [filter.limit]
        return try await pool.read { [arguments] db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_log \(whereSQL) ORDER BY id DESC LIMIT ?", arguments: arguments
            ).map(Self.auditEntry)
        }
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
