import HopProtocol

/// A person who may receive alert mail: the users issue fills these from the users table.
public struct AlertSubscriber: Sendable, Hashable {
    public var address: String
    /// Inactive users never receive mail.
    public var active: Bool
    /// The user asked for alert mail.
    public var optedIn: Bool
    /// The substations the user is granted.
    public var grants: SubstationScope

    public init(address: String, active: Bool, optedIn: Bool, grants: SubstationScope) {
        self.address = address
        self.active = active
        self.optedIn = optedIn
        self.grants = grants
    }
}

/// Where subscribers come from (the users store, later).
public protocol AlertSubscriberSource: Sendable {
    func subscribers() async throws -> [AlertSubscriber]
}

/// Configured addresses plus every active, opted-in subscriber granted the alert's substation —
/// never a subscriber outside their grants (an alert without a substation goes only to those
/// granted all substations). Duplicates are removed, configured addresses first.
public struct SubscribedRecipients: AlertRecipients {
    public var configured: [String]
    public var source: any AlertSubscriberSource

    public init(configured: [String], source: any AlertSubscriberSource) {
        self.configured = configured
        self.source = source
    }

    public func recipients(for substation: SubstationID?) async throws -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for address in configured where seen.insert(address.lowercased()).inserted { result.append(address) }
        for s in try await source.subscribers() where s.active && s.optedIn && s.grants.allows(substation) {
            if seen.insert(s.address.lowercased()).inserted { result.append(s.address) }
        }
        return result
    }
}
