import HopProtocol

/// An audit entry as the admin API and `hop-hub audit export --format json` write it: the stored
/// fields with `at` as RFC 3339 UTC (milliseconds) and, for exact sorting, `at_ms`.
public struct AuditEntryView: Codable, Sendable, Hashable {
    public var id: Int64?
    public var at: String
    public var atMilliseconds: Int64
    public var actor: String
    public var action: String
    public var target: String?
    public var sourceAddress: String?
    public var outcome: String
    public var detail: String

    /// The view of a stored entry.
    public init(_ entry: AuditEntry) {
        id = entry.id
        at = SourceTime(epochMilliseconds: entry.at).rfc3339
        atMilliseconds = entry.at
        actor = entry.actor
        action = entry.action.rawValue
        target = entry.target
        sourceAddress = entry.sourceAddress
        outcome = entry.outcome.rawValue
        detail = entry.detail
    }

    enum CodingKeys: String, CodingKey {
        case id, at, actor, action, target, outcome, detail
        case atMilliseconds = "at_ms"
        case sourceAddress = "source_address"
    }

    /// Always writes `target` and `source_address`, as null when absent, so every object has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(at, forKey: .at)
        try container.encode(atMilliseconds, forKey: .atMilliseconds)
        try container.encode(actor, forKey: .actor)
        try container.encode(action, forKey: .action)
        try container.encode(target, forKey: .target)
        try container.encode(sourceAddress, forKey: .sourceAddress)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(detail, forKey: .detail)
    }
}
