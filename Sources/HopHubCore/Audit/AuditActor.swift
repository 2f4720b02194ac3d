import HopProtocol

/// Who is acting and from where, as the audit log records it: a user's email, `key:<name>` for an
/// API key, or `cli` for the hop-hub command line (no source address).
public struct AuditActor: Sendable, Hashable {
    /// The value stored in `AuditEntry.actor`.
    public var name: String
    /// The client address the hub saw; nil for the CLI.
    public var sourceAddress: String?

    /// An actor by name (`cli`, an email, `key:<name>`) and address.
    public init(name: String, sourceAddress: String? = nil) {
        self.name = name
        self.sourceAddress = sourceAddress
    }

    /// The hop-hub command line, run on the hub host.
    public static let cli = AuditActor(name: "cli")

    /// An authenticated caller: users by email, API keys as `key:<name>`.
    public init(_ principal: Principal, sourceAddress: String?) {
        switch principal.kind {
        case .apiKey: name = "key:\(principal.name)"
        case .user: name = principal.name
        }
        self.sourceAddress = sourceAddress
    }

    /// An entry by this actor, stamped now unless `at` is given.
    public func entry(
        _ action: AuditAction, target: String?, outcome: AuditOutcome = .success, detail: String = "",
        at: Int64 = SourceTime.now().epochMilliseconds
    ) -> AuditEntry {
        AuditEntry(
            at: at, actor: name, action: action, target: target, sourceAddress: sourceAddress, outcome: outcome,
            detail: detail)
    }
}
