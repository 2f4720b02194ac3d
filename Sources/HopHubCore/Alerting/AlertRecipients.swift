import HopProtocol

/// Who receives an alert about a substation. The seam for issue "users": a later implementation
/// adds active users who opted in and are granted the substation (never others).
public protocol AlertRecipients: Sendable {
    func recipients(for substation: SubstationID?) async throws -> [String]
}

/// The configured addresses (`alerts.recipients`), for every substation.
public struct ConfiguredRecipients: AlertRecipients {
    public var addresses: [String]

    public init(addresses: [String]) {
        self.addresses = addresses
    }

    public func recipients(for substation: SubstationID?) async throws -> [String] { addresses }
}
