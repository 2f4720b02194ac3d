import Foundation
import GRDB
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Migration `v5-login-throttle` on a database written by v4: counters and locks are carried over,
/// limited admins are widened to all substations with an audit row each.
@Suite struct LoginThrottleMigrationTests {
    @Test func v4CountersAndLimitedAdminsAreCarriedOver() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-v5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("hop.sqlite").path
        let lockEnd: Int64 = 4_000_000_000_000
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v4-accounts")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO users (email, name, role, substations, password_hash, failed_logins, first_failure_at, locked_until, created_at, updated_at)
                    VALUES ('boss@example.com', 'Boss', 'admin', 'SUB001', 'x', 0, NULL, NULL, 1, 1),
                           ('op@example.com', 'Op', 'operator', 'SUB001', 'x', 2, 100, \(lockEnd), 1, 1);
                    INSERT INTO login_address_failures (address, failures, first_failure_at, locked_until)
                    VALUES ('203.0.113.9', 7, 100, NULL);
                    """)
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.user(email: "boss@example.com")?.substations == .all)
        let widened = try await store.auditEntries(AuditFilter(actor: "migration v5"))
        #expect(widened.count == 1 && widened.first?.target == "boss@example.com" && widened.first?.action == .userGrant)
        let op = try #require(try await store.user(email: "op@example.com"))
        #expect(op.lockedUntil == lockEnd && op.failedLogins == 2 && op.substations == .only(["SUB001"]))
        #expect(try await store.loginThrottle(LoginThrottleKeys.address("203.0.113.9"))?.failures == 7)
    }
}
