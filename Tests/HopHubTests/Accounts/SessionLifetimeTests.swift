import Foundation
import HopProtocol
import Synchronization
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Idle and absolute timeouts with an injected clock, `last_seen` writes, logout, deactivation.
@Suite struct SessionLifetimeTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func idleTimeoutEndsAnUnusedSession(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock) { $0.idleTimeoutSeconds = 600 }
        let login = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        clock.advance(seconds: 599)
        #expect(try await accounts.authenticate(sessionID: login.sessionID) != nil)
        clock.advance(seconds: 599)  // used 599 s ago: still alive, since the last use renewed it
        #expect(try await accounts.authenticate(sessionID: login.sessionID) != nil)
        clock.advance(seconds: 600)
        #expect(try await accounts.authenticate(sessionID: login.sessionID) == nil)
        #expect(try await t.count("sessions") == 0)
        let expired = try await t.hub.store.auditEntries(AuditFilter(action: .sessionExpired))
        #expect(expired.map(\.detail) == ["idle timeout"])
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func absoluteTimeoutEndsEvenABusySession(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock) {
            $0.idleTimeoutSeconds = 600
            $0.absoluteTimeoutSeconds = 3600
        }
        let login = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        for _ in 0..<11 {
            clock.advance(seconds: 300)
            #expect(try await accounts.authenticate(sessionID: login.sessionID) != nil)
        }
        clock.advance(seconds: 300)  // 3600 s after login
        #expect(try await accounts.authenticate(sessionID: login.sessionID) == nil)
        #expect(try await t.hub.store.auditEntries(AuditFilter(action: .sessionExpired)).map(\.detail) == ["absolute timeout"])
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func lastSeenIsWrittenAtMostOncePerMinute(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock)
        let login = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        let hash = SessionToken.digest(login.sessionID)
        let start = login.session.session.lastSeen
        clock.advance(seconds: 59)
        _ = try await accounts.authenticate(sessionID: login.sessionID)
        #expect(try await t.hub.store.session(idHash: hash)?.0.lastSeen == start)
        clock.advance(seconds: 1)
        _ = try await accounts.authenticate(sessionID: login.sessionID)
        #expect(try await t.hub.store.session(idHash: hash)?.0.lastSeen == start + 60_000)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func purgeRemovesOnlyExpiredSessions(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let clock = AccountTestClock()
        let accounts = AccountFixtures.service(t, clock: clock) { $0.idleTimeoutSeconds = 600 }
        _ = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        clock.advance(seconds: 700)
        let fresh = try await accounts.login(email: "exec@example.com", password: AccountFixtures.password, from: nil)
        // The second login purged the first (idle) session.
        #expect(try await t.count("sessions") == 1)
        #expect(try await accounts.authenticate(sessionID: fresh.sessionID)?.user.email == "exec@example.com")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func deactivationAndEndSessionsKillSessionsAtOnce(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let accounts = t.hub.accounts
        let first = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        let second = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        #expect(try await accounts.endSessions(email: "op@example.com", by: .cli) == 2)
        #expect(try await accounts.authenticate(sessionID: first.sessionID) == nil)
        #expect(try await accounts.authenticate(sessionID: second.sessionID) == nil)
        let third = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        try await accounts.deactivate(email: "op@example.com", by: .cli)
        #expect(try await accounts.authenticate(sessionID: third.sessionID) == nil)
        do {
            _ = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
            Issue.record("a deactivated user logged in")
        } catch let error as HubError {
            #expect(error.code == .unauthenticated && error.message == "account is deactivated; ask an administrator")
        }
        let actions = try await t.hub.store.auditEntries(AuditFilter(target: "op@example.com")).map(\.action)
        #expect(actions.contains(.userDeactivate) && actions.contains(.sessionsEnd))
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func accessChangesCallTheStreamHook(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let seen = Mutex<[String]>([])
        var accounts = t.hub.accounts
        accounts.onAccessChanged = { email in seen.withLock { $0.append(email) } }
        try await accounts.grant(email: "op@example.com", substations: .only(["SUB002"]), by: .cli)
        try await accounts.deactivate(email: "exec@example.com", by: .cli)
        #expect(seen.withLock { $0 } == ["op@example.com", "exec@example.com"])
    }
}
