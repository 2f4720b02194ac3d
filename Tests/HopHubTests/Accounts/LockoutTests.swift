import Foundation
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Failed logins lock the account (per account) and the source address (per address); admins unlock.
@Suite struct LockoutTests {
    func failLogin(_ accounts: AccountService, _ email: String, from address: String?) async -> HubError? {
        do {
            _ = try await accounts.login(email: email, password: "Wrong password 1", from: address)
            return nil
        } catch {
            return error as? HubError
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func accountLocksAfterMaxFailuresAndUnlockClearsIt(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock) {
            $0.maxFailures = 3
            $0.lockoutSeconds = 600
        }
        #expect(await failLogin(accounts, "op@example.com", from: "10.0.0.1")?.code == .unauthenticated)
        #expect(await failLogin(accounts, "op@example.com", from: "10.0.0.2")?.code == .unauthenticated)
        let third = await failLogin(accounts, "op@example.com", from: "10.0.0.3")
        #expect(third?.code == .rateLimited && third?.retryAfterSeconds == 600)
        #expect(third?.message.contains("account is now locked") == true && third?.message.contains("administrator") == true)
        // Locked: even the right password is refused, with the time left.
        clock.advance(seconds: 60)
        do {
            _ = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: "10.0.0.1")
            Issue.record("a locked account logged in")
        } catch let error as HubError {
            #expect(error.code == .rateLimited && error.retryAfterSeconds == 540)
            #expect(error.message.contains("9 minutes"))
        }
        try await accounts.unlock(email: "op@example.com", by: .cli)
        _ = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: "10.0.0.1")
        let audit = try await t.hub.store.auditEntries(AuditFilter(target: "op@example.com"))
        #expect(audit.contains { $0.action == .lockout && $0.sourceAddress == "10.0.0.3" })
        #expect(audit.contains { $0.action == .unlock && $0.actor == "cli" })
        #expect(audit.filter { $0.action == .login && $0.outcome == .failure && $0.detail == "wrong password" }.count == 3)
        #expect(audit.contains { $0.action == .login && $0.outcome == .denied && $0.detail == "account locked" })
        #expect(audit.contains { $0.action == .login && $0.outcome == .success })
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func lockExpiresAndFailuresOutsideTheWindowDoNotAddUp(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock) {
            $0.maxFailures = 2
            $0.failureWindowSeconds = 60
            $0.lockoutSeconds = 120
        }
        _ = await failLogin(accounts, "op@example.com", from: nil)
        clock.advance(seconds: 61)
        #expect(await failLogin(accounts, "op@example.com", from: nil)?.code == .unauthenticated)  // new window
        #expect(await failLogin(accounts, "op@example.com", from: nil)?.code == .rateLimited)
        clock.advance(seconds: 120)
        _ = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func addressLocksAcrossAccountsIncludingUnknownEmails(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock) {
            $0.maxFailures = 100
            $0.maxFailuresPerAddress = 4
            $0.lockoutSeconds = 300
        }
        for email in ["op@example.com", "exec@example.com", "ghost@example.com"] {
            #expect(await failLogin(accounts, email, from: "198.51.100.7")?.code == .unauthenticated)
        }
        #expect(await failLogin(accounts, "nobody@example.com", from: "198.51.100.7")?.message == "wrong email or password")
        // The address is locked now, for every account, even with the right password.
        do {
            _ = try await accounts.login(email: "admin@example.com", password: AccountFixtures.password, from: "198.51.100.7")
            Issue.record("a locked address logged in")
        } catch let error as HubError {
            #expect(error.code == .rateLimited && error.retryAfterSeconds == 300 && error.message.contains("198.51.100.7"))
        }
        // Another address is not affected.
        _ = try await accounts.login(email: "admin@example.com", password: AccountFixtures.password, from: "198.51.100.8")
        try await accounts.unlockAddress("198.51.100.7", by: .cli)
        _ = try await accounts.login(email: "admin@example.com", password: AccountFixtures.password, from: "198.51.100.7")
        let lockouts = try await t.hub.store.auditEntries(AuditFilter(action: .lockout))
        #expect(lockouts.map(\.target) == ["198.51.100.7"])
        let unknown = try await t.hub.store.auditEntries(AuditFilter(actor: "ghost@example.com"))
        #expect(unknown.first?.detail == "unknown email" && unknown.first?.sourceAddress == "198.51.100.7")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func concurrentFailuresAreAllCounted(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let accounts = AccountFixtures.service(t, clock: AccountTestClock()) {
            $0.maxFailures = 8
            $0.maxFailuresPerAddress = 8
        }
        // Eight wrong passwords at once: every one must count, so the account and the address lock.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = await failLogin(accounts, "op@example.com", from: "10.1.1.1") } }
        }
        let user = try #require(try await t.hub.store.user(email: "op@example.com"))
        #expect(user.lockedUntil != nil, "lost updates: \(user.failedLogins) failures counted")
        #expect(try await t.hub.store.loginThrottle(LoginThrottleKeys.address("10.1.1.1"))?.lockedUntil != nil)
    }
}

