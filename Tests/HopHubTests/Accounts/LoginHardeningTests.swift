import Foundation
import GRDB
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The security review's login findings: parallel guessing, the audit flood while locked,
/// enumeration through lockout, control characters in passwords, IPv6 /64 and typed-in passwords.
@Suite struct LoginHardeningTests {
    static func attempt(_ accounts: AccountService, _ email: String, _ password: String = "Wrong password 1", from address: String?)
        async -> HubError?
    {
        do {
            _ = try await accounts.login(email: email, password: password, from: address)
            return nil
        } catch {
            return error as? HubError ?? HubError(.internalError, "\(error)")
        }
    }

    /// Runs `count` attempts at once; the error codes (nil = logged in).
    static func parallel(_ count: Int, _ accounts: AccountService, _ email: String, _ password: String, from address: String)
        async -> [APIErrorCode?]
    {
        await withTaskGroup(of: APIErrorCode?.self) { group in
            for _ in 0..<count { group.addTask { await attempt(accounts, email, password, from: address)?.code } }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func parallelGuessesGetAtMostMaxFailuresPasswordChecks(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        // A slower hash (cost 9) so that, without the reservation, every request reads "not locked"
        // before the first check finishes.
        let accounts = AccountFixtures.service(t, clock: AccountTestClock()) {
            $0.bcryptCost = 9
            $0.maxFailures = 5
            $0.maxFailuresPerAddress = 1000
        }
        try await accounts.create(
            NewUser(email: "slow@example.com", name: "Slow", role: .operator, substations: .only(["SUB001"]), password: AccountFixtures.password),
            by: .cli)
        let codes = await Self.parallel(30, accounts, "slow@example.com", "Wrong password 1", from: "10.9.9.9")
        let unauthenticated = codes.filter { $0 == .unauthenticated }.count
        let limited = codes.filter { $0 == .rateLimited }.count
        #expect(unauthenticated <= 5, "\(unauthenticated) of 30 parallel guesses got a password check")
        #expect(unauthenticated + limited == 30, "\(codes)")
        let checked = try await t.hub.store.auditEntries(AuditFilter(target: "slow@example.com", outcome: .failure))
        #expect(checked.count <= 5, "\(checked.count) wrong-password rows: that many bcrypt checks ran")
        // Limit reached: the right password, sent as a parallel batch, is refused every time.
        let right = await Self.parallel(10, accounts, "slow@example.com", AccountFixtures.password, from: "10.9.9.10")
        #expect(right.allSatisfy { $0 == .rateLimited }, "\(right)")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func lockedAttemptsWriteOneDeniedRowPerLockAndReportTheRest(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock) {
            $0.maxFailures = 2
            $0.maxFailuresPerAddress = 1000
            $0.lockoutSeconds = 300
        }
        _ = await Self.attempt(accounts, "op@example.com", from: "10.0.0.1")
        #expect(await Self.attempt(accounts, "op@example.com", from: "10.0.0.1")?.code == .rateLimited)
        for i in 0..<50 {
            #expect(await Self.attempt(accounts, "op@example.com", from: "10.0.1.\(i)")?.code == .rateLimited)
        }
        var denied = try await t.hub.store.auditEntries(AuditFilter(target: "op@example.com", outcome: .denied))
        #expect(denied.count == 1, "\(denied.count) denied rows for one lock")
        // After the lock, the next row reports the 49 attempts that were not written.
        clock.advance(seconds: 301)
        _ = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: "10.0.0.1")
        let success = try #require(
            try await t.hub.store.auditEntries(AuditFilter(target: "op@example.com", outcome: .success)).first { $0.action == .login })
        #expect(success.detail.contains("49 denied attempts"), "\(success.detail)")
        denied = try await t.hub.store.auditEntries(AuditFilter(target: "op@example.com", outcome: .denied))
        #expect(denied.count == 1)

        // The same for a locked address, across many emails.
        let byAddress = AccountFixtures.service(t, clock: clock) {
            $0.maxFailures = 1000
            $0.maxFailuresPerAddress = 2
        }
        for i in 0..<40 { _ = await Self.attempt(byAddress, "x\(i)@example.com", from: "203.0.113.5") }
        let all = try await t.hub.store.auditEntries(AuditFilter(outcome: .denied, limit: 1000))
        let fromAddress = all.filter { $0.sourceAddress == "203.0.113.5" }
        #expect(fromAddress.count == 1 && fromAddress.first?.target == "203.0.113.5", "\(fromAddress.map(\.detail))")
    }

    /// What a client sees of one attempt: status code, message, Retry-After.
    struct Answer: Equatable {
        var code: APIErrorCode?
        var message: String?
        var retry: Int?
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func unknownEmailsLockExactlyLikeRealAccounts(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let accounts = AccountFixtures.service(t, clock: AccountTestClock()) {
            $0.maxFailures = 3
            $0.maxFailuresPerAddress = 1000
        }
        var seen: [[Answer]] = []
        for email in ["op@example.com", "ghost@example.com"] {
            var answers: [Answer] = []
            for i in 0..<5 {
                let e = await Self.attempt(accounts, email, from: "10.3.0.\(i)")
                answers.append(Answer(code: e?.code, message: e?.message, retry: e?.retryAfterSeconds))
            }
            // Locked: even the real password of the real account answers like the unknown email.
            let e = await Self.attempt(accounts, email, AccountFixtures.password, from: "10.3.1.1")
            answers.append(Answer(code: e?.code, message: e?.message, retry: e?.retryAfterSeconds))
            seen.append(answers)
        }
        #expect(seen[0] == seen[1], "known: \(seen[0])\nunknown: \(seen[1])")
        #expect(seen[1].last?.code == .rateLimited)
        // Deactivated is said only to the correct password.
        try await accounts.deactivate(email: "exec@example.com", by: .cli)
        #expect(await Self.attempt(accounts, "exec@example.com", from: "10.3.2.1")?.message == "wrong email or password")
        #expect(
            await Self.attempt(accounts, "exec@example.com", AccountFixtures.password, from: "10.3.2.1")?.message
                == "account is deactivated; ask an administrator")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func controlCharactersAreRefusedInPasswords(_ backend: StoreContractTests.Backend) async throws {
        for bad in ["Correct horse\u{0}42", "Correct\thorse 42", "Correct horse 42\n", "Correct\u{7F}horse 42"] {
            let problem = PasswordPolicy.problem(bad, email: "op@example.com")
            #expect(problem?.contains("control character") == true, "\(bad.debugDescription): \(problem ?? "accepted")")
        }
        #expect(PasswordPolicy.problem("Correct horse 42 ✓", email: "op@example.com") == nil)
        let t = try await AccountFixtures.hub(backend)
        await #expect(throws: HubError.self) {
            try await t.hub.accounts.resetPassword(email: "op@example.com", password: "Correct horse\u{0}42", by: .cli)
        }
    }

    @Test func addressBuckets() {
        #expect(AddressBucket.bucket("2001:db8:1:2:aaaa:bbbb:cccc:1") == "2001:db8:1:2::/64")
        #expect(AddressBucket.bucket("2001:0db8:0001:0002::ffff") == "2001:db8:1:2::/64")
        #expect(AddressBucket.bucket("[2001:db8:1:2::ffff]") == "2001:db8:1:2::/64")
        #expect(AddressBucket.bucket("::ffff:192.0.2.7") == "192.0.2.7")
        #expect(AddressBucket.bucket("192.0.2.7") == "192.0.2.7")
        #expect(AddressBucket.bucket("not an address") == "not an address")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func ipv6AddressesAreCountedPerSlash64(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let accounts = AccountFixtures.service(t, clock: AccountTestClock()) {
            $0.maxFailures = 1000
            $0.maxFailuresPerAddress = 3
        }
        for host in ["1", "2", "3"] { _ = await Self.attempt(accounts, "op@example.com", from: "2001:db8:5:6::\(host)") }
        // Another address in the same /64 is locked; another /64 is not.
        #expect(await Self.attempt(accounts, "admin@example.com", AccountFixtures.password, from: "2001:db8:5:6::99")?.code == .rateLimited)
        #expect(await Self.attempt(accounts, "admin@example.com", AccountFixtures.password, from: "2001:db8:5:7::1") == nil)
        try await accounts.unlockAddress("2001:db8:5:6::42", by: .cli)
        #expect(await Self.attempt(accounts, "admin@example.com", AccountFixtures.password, from: "2001:db8:5:6::99") == nil)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func aPasswordTypedAsTheEmailIsNotStored(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let accounts = AccountFixtures.service(t, clock: AccountTestClock())
        #expect(await Self.attempt(accounts, "Tr0ub4dor&3-secret", from: "10.4.0.1")?.message == "wrong email or password")
        let rows = try await t.hub.store.auditEntries(AuditFilter(action: .login))
        #expect(rows.first?.actor == "(invalid email)" && rows.first?.target == "(invalid email)")
        #expect(!rows.contains { $0.actor.contains("tr0ub4dor") || ($0.target ?? "").contains("tr0ub4dor") || $0.detail.contains("tr0ub4dor") })
    }

    @Test func madeUpEmailsDoNotPileUpOnceTheirWindowIsOver() async throws {
        let t = try await AccountFixtures.hub()
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock) {
            $0.failureWindowSeconds = 60
            $0.maxFailuresPerAddress = 1000
        }
        for i in 0..<20 { _ = await Self.attempt(accounts, "made-up-\(i)@example.com", from: "10.5.0.\(i)") }
        let count = { try await t.hub.sqlite.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM login_throttle") ?? 0 } }
        #expect(try await count() == 40)  // 20 emails + 20 addresses
        clock.advance(seconds: 61)
        _ = await Self.attempt(accounts, "op@example.com", from: "10.5.1.1")
        #expect(try await count() == 2, "only the new attempt's email and address remain")
    }

    @Test func aPasswordTypedAsTheEmailIsNotAThrottleKey() async throws {
        let t = try await AccountFixtures.hub()
        let accounts = AccountFixtures.service(t, clock: AccountTestClock())
        _ = await Self.attempt(accounts, "Tr0ub4dor&3-secret", from: "10.4.0.1")
        let keys = try await t.hub.sqlite.pool.read { db in try String.fetchAll(db, sql: "SELECT key FROM login_throttle") }
        #expect(!keys.contains { $0.contains("tr0ub4dor") } && keys.contains("account:(invalid email)"), "\(keys)")
    }
}
