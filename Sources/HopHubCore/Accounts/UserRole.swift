/// What a portal user is: the role decides the API scopes and the tab the portal opens on.
public enum UserRole: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case `operator`
    case executive

    /// Admins read and administer; operators and executives read (their granted substations).
    public var scopes: Set<APIKeyScope> {
        switch self {
        case .admin: [.read, .admin]
        case .operator, .executive: [.read]
        }
    }

    /// The portal tab a user of this role lands on.
    public var defaultTab: String { self == .executive ? "executive" : "telemetry" }

    /// `admin, operator, executive`, for messages.
    public static var listText: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
