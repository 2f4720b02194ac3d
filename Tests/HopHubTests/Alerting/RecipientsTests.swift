import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Only active, opted-in users granted the substation receive its alerts.
@Suite struct RecipientsTests {
    struct Fixed: AlertSubscriberSource {
        var list: [AlertSubscriber]
        func subscribers() async throws -> [AlertSubscriber] { list }
    }

    let recipients = SubscribedRecipients(
        configured: ["ops@example.com"],
        source: Fixed(list: [
            AlertSubscriber(address: "north@example.com", active: true, optedIn: true, grants: .only(["SUB001"])),
            AlertSubscriber(address: "south@example.com", active: true, optedIn: true, grants: .only(["SUB002"])),
            AlertSubscriber(address: "boss@example.com", active: true, optedIn: true, grants: .all),
            AlertSubscriber(address: "quiet@example.com", active: true, optedIn: false, grants: .all),
            AlertSubscriber(address: "gone@example.com", active: false, optedIn: true, grants: .all),
            AlertSubscriber(address: "OPS@example.com", active: true, optedIn: true, grants: .all),
        ]))

    @Test func grantsActivityAndOptInDecide() async throws {
        #expect(try await recipients.recipients(for: "SUB001") == ["ops@example.com", "north@example.com", "boss@example.com"])
        #expect(try await recipients.recipients(for: "SUB002") == ["ops@example.com", "south@example.com", "boss@example.com"])
        #expect(try await recipients.recipients(for: "SUB999") == ["ops@example.com", "boss@example.com"])
        #expect(try await recipients.recipients(for: nil) == ["ops@example.com", "boss@example.com"])
    }
}
