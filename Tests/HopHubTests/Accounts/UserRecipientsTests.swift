import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Alert mail goes to active, opted-in users granted the substation — read from the real users table.
@Suite struct UserRecipientsTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func usersTableDecidesRecipients(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend)
        let a = t.hub.accounts
        let pw = AccountFixtures.password
        try await a.create(NewUser(email: "north@example.com", name: "N", role: .operator, substations: .only(["SUB001"]), password: pw, alertOptIn: true), by: .cli)
        try await a.create(NewUser(email: "south@example.com", name: "S", role: .operator, substations: .only(["SUB002"]), password: pw, alertOptIn: true), by: .cli)
        try await a.create(NewUser(email: "boss@example.com", name: "B", role: .admin, substations: nil, password: pw, alertOptIn: true), by: .cli)
        try await a.create(NewUser(email: "gone@example.com", name: "G", role: .operator, substations: .all, password: pw, alertOptIn: true), by: .cli)
        try await a.deactivate(email: "gone@example.com", by: .cli)
        // op@example.com (SUB001) has not opted in.
        let recipients = Hub.makeAlertRecipients(t.hub.configuration, store: t.hub.store)
        #expect(try await recipients.recipients(for: "SUB001") == ["boss@example.com", "north@example.com"])
        #expect(try await recipients.recipients(for: "SUB002") == ["boss@example.com", "south@example.com"])
        #expect(try await recipients.recipients(for: "SUB777") == ["boss@example.com"])
        #expect(try await recipients.recipients(for: nil) == ["boss@example.com"])
        // Opting in (audited) and a grant change take effect for the next alert.
        try await a.update(email: "op@example.com", UserChange(alertOptIn: true), by: .cli)
        try await a.grant(email: "north@example.com", substations: .only(["SUB002"]), by: .cli)
        #expect(try await recipients.recipients(for: "SUB001") == ["boss@example.com", "op@example.com"])
        #expect(try await t.hub.store.auditEntries(AuditFilter(action: .recipientsChange)).map(\.target) == ["op@example.com"])
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func configuredAddressesComeFirst(_ backend: StoreContractTests.Backend) async throws {
        let t = try await AccountFixtures.hub(backend) { $0.alerting.recipients = ["ops@example.com"] }
        try await t.hub.accounts.update(email: "exec@example.com", UserChange(alertOptIn: true), by: .cli)
        let recipients = Hub.makeAlertRecipients(t.hub.configuration, store: t.hub.store)
        #expect(try await recipients.recipients(for: "SUB002") == ["ops@example.com", "exec@example.com"])
        #expect(try await recipients.recipients(for: "SUB001") == ["ops@example.com"])
    }
}
