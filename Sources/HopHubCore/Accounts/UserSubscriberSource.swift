/// Alert subscribers from the users table: every user with their active flag, opt-in and grants;
/// `SubscribedRecipients` picks the active, opted-in ones granted the alert's substation.
public struct UserSubscriberSource: AlertSubscriberSource {
    let store: any AccountStore

    public init(store: any AccountStore) {
        self.store = store
    }

    public func subscribers() async throws -> [AlertSubscriber] {
        try await store.users().map {
            AlertSubscriber(address: $0.email, active: $0.active, optedIn: $0.alertOptIn, grants: $0.substations)
        }
    }
}
