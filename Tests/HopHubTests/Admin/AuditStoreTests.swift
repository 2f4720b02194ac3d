import Foundation
import GRDB
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The audit table against a real database: append-only, filters, complete ordered exports (the
/// filters and paging on both backends).
@Suite struct AuditStoreTests {
    static func store() throws -> SQLiteStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return try SQLiteStore(path: dir + "/hop.sqlite")
    }

    @Test func updateAndDeleteAreRefusedByTheDatabase() async throws {
        let store = try Self.store()
        let stored = try await store.appendAudit(
            AuditEntry(at: 1_000, actor: "a@example.com", action: .login, sourceAddress: "10.0.0.1"))
        let id = try #require(stored.id)
        for sql in [
            "UPDATE audit_log SET actor = 'someone-else' WHERE id = \(id)",
            "UPDATE audit_log SET outcome = 'failure'",
            "DELETE FROM audit_log WHERE id = \(id)",
            "DELETE FROM audit_log",
        ] {
            await #expect(throws: DatabaseError.self, "\(sql) must be refused") {
                try await store.pool.write { db in try db.execute(sql: sql) }
            }
        }
        let left = try await store.auditEntries(AuditFilter())
        #expect(left.count == 1)
        #expect(left.first?.actor == "a@example.com")
        #expect(left.first?.outcome == .success)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func filtersSelectByEveryField(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let rows: [AuditEntry] = [
            AuditEntry(at: 1_000, actor: "admin@x.org", action: .userCreate, target: "op@x.org"),
            AuditEntry(at: 2_000, actor: "op@x.org", action: .login, sourceAddress: "10.0.0.2", outcome: .failure),
            AuditEntry(at: 3_000, actor: "op@x.org", action: .login, sourceAddress: "10.0.0.2"),
            AuditEntry(at: 4_000, actor: "key:ops", action: .keyRotate, target: "edge-1"),
            AuditEntry(at: 5_000, actor: "cli", action: .keyRevoke, target: "edge-1", outcome: .failure),
        ]
        for row in rows { try await store.appendAudit(row) }
        func ats(_ filter: AuditFilter) async throws -> [Int64] { try await store.auditEntries(filter).map(\.at) }
        #expect(try await ats(AuditFilter()) == [5_000, 4_000, 3_000, 2_000, 1_000])
        #expect(try await ats(AuditFilter(actor: "op@x.org")) == [3_000, 2_000])
        #expect(try await ats(AuditFilter(action: .login, outcome: .failure)) == [2_000])
        #expect(try await ats(AuditFilter(target: "edge-1")) == [5_000, 4_000])
        #expect(try await ats(AuditFilter(since: 2_000, until: 4_000)) == [3_000, 2_000])
        #expect(try await ats(AuditFilter(limit: 2)) == [5_000, 4_000])
        #expect(try await ats(AuditFilter(actor: "nobody")) == [])
        #expect(try await store.auditCount(AuditFilter(outcome: .failure)) == 2)
    }

    /// Paging newest first by `before_id` reads every row exactly once, also when many rows share one
    /// millisecond (a time-based cursor would skip or repeat those).
    @Test(arguments: StoreContractTests.Backend.allCases)
    func pagingByBeforeIDReadsRowsSharingAMillisecondOnce(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        for i in 0..<25 {
            try await store.appendAudit(AuditEntry(at: i < 20 ? 7_000 : 8_000, actor: "burst", action: .lockout))
        }
        var seen: [Int64] = []
        var cursor: Int64?
        var pages = 0
        while pages <= 25 {  // 5 pages expected; a cursor that does not advance fails below, not loops forever
            let page = try await store.auditEntries(AuditFilter(beforeID: cursor, limit: 6))
            if page.isEmpty { break }
            pages += 1
            seen += page.compactMap(\.id)
            cursor = page.last?.id
        }
        #expect(pages == 5)
        #expect(seen.count == 25)
        #expect(Set(seen).count == 25)
        #expect(seen == seen.sorted(by: >))
        #expect(try await store.auditEntries(AuditFilter(since: 7_000, until: 7_001, beforeID: seen[10], limit: 100)).count == 14)
    }

    @Test func exportReadsEveryMatchingRowOnceOldestFirst() async throws {
        let store = try Self.store()
        try await store.pool.write { db in
            for i in 0..<1_234 {
                try SQLiteStore.append(
                    AuditEntry(at: Int64(i), actor: i % 2 == 0 ? "even" : "odd", action: .login), db)
            }
        }
        var seen: [Int64] = []
        var pages = 0
        let total = try await store.exportAudit(AuditFilter(actor: "even", limit: 1), pageSize: 100) { page in
            pages += 1
            seen += page.map(\.at)
        }
        #expect(total == 617)
        #expect(seen == stride(from: 0, to: 1_234, by: 2).map(Int64.init))
        #expect(pages == 7)
    }
}
