import HopHubCore
import HopProtocol

// PostgreSQL: not yet. The append-only audit log (`audit_log`).
extension PostgresStore: AuditStore, AuditExportStore {
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry { throw PostgresNotImplemented() }
    public func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry] { throw PostgresNotImplemented() }
    public func auditPage(_ filter: AuditFilter, afterID: Int64?) async throws -> [AuditEntry] { throw PostgresNotImplemented() }
    public func auditCount(_ filter: AuditFilter) async throws -> Int { throw PostgresNotImplemented() }
}
