import Foundation
import GRDB
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Users in a real database (SQLite and PostgreSQL; the session digest test reads the SQLite file): unique emails regardless of case, updates, audit rows per change.
@Suite struct UserStoreTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func createListAndCaseInsensitiveEmail(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let users = try await t.hub.accounts.users()
        #expect(users.map(\.email) == ["admin@example.com", "exec@example.com", "op@example.com"])
        #expect(users.first { $0.email == "admin@example.com" }?.substations == .all)
        let found = try await t.hub.store.user(email: "OP@Example.COM")
        #expect(found?.email == "op@example.com")
        #expect(found?.passwordHash.hasPrefix("$2") == true)
        await #expect(throws: HubError.self) {
            try await t.hub.accounts.create(
                NewUser(email: "Op@EXAMPLE.com", name: "Dup", role: .operator, substations: .only(["SUB001"]), password: AccountFixtures.password), by: .cli)
        }
        #expect(try await t.count("users") == 3)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func operatorsNeedGrantsAndEmailsMustLookLikeEmails(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        do {
            try await t.hub.accounts.create(
                NewUser(email: "new@example.com", name: "N", role: .operator, substations: nil, password: AccountFixtures.password), by: .cli)
            Issue.record("an operator without grants was created")
        } catch let error as HubError {
            #expect(error.field == "substations")
        }
        do {
            try await t.hub.accounts.create(
                NewUser(email: "not-an-email", name: "N", role: .admin, substations: nil, password: AccountFixtures.password), by: .cli)
            Issue.record("a user without a valid email was created")
        } catch let error as HubError {
            #expect(error.field == "email")
        }
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func updatesAreStoredAndAudited(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let actor = AuditActor(name: "admin@example.com", sourceAddress: "192.0.2.9")
        let changed = try await t.hub.accounts.update(
            email: "op@example.com", UserChange(name: "Operator One", role: .executive, substations: .only(["SUB001", "SUB003"]), alertOptIn: true),
            by: actor)
        let stored = try #require(try await t.hub.store.user(email: "op@example.com"))
        #expect(stored == changed)
        #expect(stored.role == .executive && stored.name == "Operator One" && stored.alertOptIn)
        #expect(stored.substations == .only(["SUB001", "SUB003"]))
        let rows = try await t.hub.store.auditEntries(AuditFilter(target: "op@example.com"))
        let update = try #require(rows.first { $0.action == .userUpdate })
        #expect(update.actor == "admin@example.com" && update.sourceAddress == "192.0.2.9")
        #expect(update.detail.contains("role operator→executive") && update.detail.contains("substations SUB001→SUB001,SUB003"))
        #expect(rows.contains { $0.action == .recipientsChange })
        #expect(rows.contains { $0.action == .userCreate && $0.actor == "cli" })
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func grantReplacesAndIsAudited(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        try await t.hub.accounts.grant(email: "op@example.com", substations: .only(["SUB002"]), by: .cli)
        #expect(try await t.hub.store.user(email: "op@example.com")?.substations == .only(["SUB002"]))
        let rows = try await t.hub.store.auditEntries(AuditFilter(action: .userGrant))
        #expect(rows.count == 1 && rows[0].detail == "substations SUB001→SUB002")
        await #expect(throws: HubError.self) { try await t.hub.accounts.grant(email: "nobody@example.com", substations: .all, by: .cli) }
    }

    @Test func sessionsStoreOnlyTheDigestOfTheID() async throws {
        let t = try await AccountFixtures.hub()
        let login = try await t.hub.accounts.login(email: "op@example.com", password: AccountFixtures.password, from: "127.0.0.1")
        #expect(login.sessionID.count >= 43)  // 256 bits, base64url
        let queue = try DatabaseQueue(path: t.hub.configuration.databasePath)
        let stored = try await queue.read { db in try String.fetchAll(db, sql: "SELECT id_hash FROM sessions") }
        #expect(stored == [SessionToken.digest(login.sessionID)])
        #expect(!stored.contains(login.sessionID))
    }
}

/// The password rule: length, not the email, more than one kind of character.
@Suite struct PasswordPolicyTests {
    @Test(arguments: [
        ("short1A", "too short"),
        ("alllowercaseletters", "one kind"),
        ("123456789012345", "one kind"),
        ("jane.doe@example.com", "email"),
        ("Jane.Doe@Example.com", "email"),
        (String(repeating: "aB", count: 40), "too long"),
    ])
    func refused(password: String, why: String) {
        let problem = PasswordPolicy.problem(password, email: "jane.doe@example.com")
        #expect(problem?.contains(why) == true, "\(password): \(problem ?? "accepted")")
        #expect(problem?.contains("at least 12 characters") == true)
    }

    @Test(arguments: ["Correct horse 42", "long passphrase with spaces", "grid-ops-2026!"])
    func accepted(password: String) {
        #expect(PasswordPolicy.problem(password, email: "jane.doe@example.com") == nil)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func createAndResetApplyThePolicy(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        do {
            try await t.hub.accounts.resetPassword(email: "op@example.com", password: "short", by: .cli)
            Issue.record("a short password was accepted")
        } catch let error as HubError {
            #expect(error.code == .validationFailed && error.field == "password")
        }
        try await t.hub.accounts.resetPassword(email: "op@example.com", password: "A new passphrase 7", by: .cli)
        _ = try await t.hub.accounts.login(email: "op@example.com", password: "A new passphrase 7", from: nil)
        await #expect(throws: HubError.self) {
            try await t.hub.accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        }
    }
}
