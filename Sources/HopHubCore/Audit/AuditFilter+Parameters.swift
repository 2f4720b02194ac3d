import HopProtocol

extension AuditFilter {
    /// The most rows one request or export page returns.
    public static let maxLimit = 10_000

    /// The parameter names `init(parameters:)` understands.
    public static let parameterNames: Set<String> = [
        "actor", "action", "target", "outcome", "since", "until", "before_id", "limit",
    ]

    /// Builds a filter from query parameters (or CLI options with the same names); an empty value is the
    /// same as an absent one (a blank form field). Every refusal is a
    /// 400 `invalid_parameter` naming the parameter: unknown names, unknown actions or outcomes,
    /// times that are not RFC 3339, `since` not before `until`, `before_id` not a positive integer,
    /// `limit` outside 1…10,000.
    public init(parameters: [String: String], defaultLimit: Int = 1000) throws(HubError) {
        for name in parameters.keys where !Self.parameterNames.contains(name) {
            throw HubError(
                .invalidParameter,
                "unknown parameter '\(name)'; use \(Self.parameterNames.sorted().joined(separator: ", "))", field: name)
        }
        func text(_ name: String) throws(HubError) -> String? {
            guard let value = parameters[name], !value.isEmpty else { return nil }
            guard value.count <= 320 else {
                throw HubError(.invalidParameter, "\(name) must be at most 320 characters", field: name)
            }
            return value
        }
        func time(_ name: String) throws(HubError) -> Int64? {
            guard let value = try text(name) else { return nil }
            guard let time = SourceTime(rfc3339: value) else {
                throw HubError(
                    .invalidParameter, "\(name) must be an RFC 3339 time such as 2026-11-26T18:00:00Z, got '\(value)'",
                    field: name)
            }
            return time.epochMilliseconds
        }
        var action: AuditAction?
        if let value = try text("action") {
            guard let known = AuditAction(rawValue: value) else {
                throw HubError(
                    .invalidParameter,
                    "action '\(value)' is not one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", "))",
                    field: "action")
            }
            action = known
        }
        var outcome: AuditOutcome?
        if let value = try text("outcome") {
            guard let known = AuditOutcome(rawValue: value) else {
                throw HubError(
                    .invalidParameter,
                    "outcome '\(value)' is not one of \(AuditOutcome.allCases.map(\.rawValue).joined(separator: ", "))",
                    field: "outcome")
            }
            outcome = known
        }
        let since = try time("since")
        let until = try time("until")
        if let since, let until, since >= until {
            throw HubError(.invalidParameter, "until must be later than since", field: "until")
        }
        var beforeID: Int64?
        if let value = try text("before_id") {
            guard let id = Int64(value), id > 0 else {
                throw HubError(
                    .invalidParameter, "before_id must be a positive entry id (the last id of the previous page), got '\(value)'",
                    field: "before_id")
            }
            beforeID = id
        }
        var limit = defaultLimit
        if let value = try text("limit") {
            guard let number = Int(value), (1...Self.maxLimit).contains(number) else {
                throw HubError(
                    .invalidParameter, "limit must be an integer from 1 to \(Self.maxLimit), got '\(value)'", field: "limit")
            }
            limit = number
        }
        self.init(
            actor: try text("actor"), action: action, target: try text("target"), outcome: outcome, since: since,
            until: until, beforeID: beforeID, limit: limit)
    }
}
