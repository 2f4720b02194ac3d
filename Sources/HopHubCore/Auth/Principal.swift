import HopProtocol

/// Who is calling: an API key (machines) or, later, a portal user. Every authorization decision
/// goes through `require(_:)` and `requireAccess(to:)`.
public struct Principal: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case apiKey = "api key", user }

    public var kind: Kind
    public var name: String
    public var scopes: Set<APIKeyScope>
    public var substations: SubstationScope

    public init(kind: Kind, name: String, scopes: Set<APIKeyScope>, substations: SubstationScope) {
        self.kind = kind
        self.name = name
        self.scopes = scopes
        self.substations = substations
    }

    public func require(_ scope: APIKeyScope) throws(HubError) {
        guard scopes.contains(scope) else {
            throw HubError(.forbidden, "\(kind.rawValue) '\(name)' lacks the '\(scope.rawValue)' scope")
        }
    }
}


extension Principal {
    /// 403 naming the substation when it is outside this caller's grants.
    public func requireAccess(to substation: SubstationID?, action: String) throws(HubError) {
        guard substations.allows(substation) else {
            if let substation {
                throw HubError(
                    .forbidden, "\(kind.rawValue) '\(name)' may not \(action) substation \(substation)",
                    field: "substation_id")
            }
            throw HubError(
                .forbidden,
                "\(kind.rawValue) '\(name)' is limited to substations \(substations.listText): the record must name its substation_id",
                field: "substation_id")
        }
    }
}
