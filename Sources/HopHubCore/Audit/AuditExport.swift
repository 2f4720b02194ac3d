/// Reading the whole audit log in order, page by page, for exports that may exceed one response.
public protocol AuditExportStore: AuditStore {
    /// Up to `filter.limit` matching entries with ids above `afterID`, oldest first.
    func auditPage(_ filter: AuditFilter, afterID: Int64?) async throws -> [AuditEntry]
    /// How many entries match (ignoring `limit`).
    func auditCount(_ filter: AuditFilter) async throws -> Int
}

extension AuditExportStore {
    /// Calls `body` with every matching entry, oldest first, in pages of `pageSize`; returns how many.
    /// `filter.limit` is ignored: an export is complete.
    @discardableResult
    public func exportAudit(
        _ filter: AuditFilter, pageSize: Int = 5_000, _ body: ([AuditEntry]) async throws -> Void
    ) async throws -> Int {
        var page = filter
        page.limit = pageSize
        var after: Int64?
        var total = 0
        while true {
            let entries = try await auditPage(page, afterID: after)
            guard !entries.isEmpty else { return total }
            try await body(entries)
            total += entries.count
            after = entries.last?.id
            if entries.count < pageSize { return total }
        }
    }
}
