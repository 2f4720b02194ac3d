/// The store cannot be reached right now: the database server is down, restarting, in recovery
/// (a standby that does not take writes), or the connection to it was lost. Temporary by nature:
/// the HTTP layer answers `503` with `Retry-After`, and the backend reconnects by itself.
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    /// Where the store lives, without credentials (`postgres://hop@db1:5432,db2:5432/hop`).
    public var store: String
    /// What the hub was doing, when known ("a transaction", "a read"); nil when the store was
    /// already known to be down and nothing was tried.
    public var operation: String?
    /// Why, in the driver's or server's words (never a password).
    public var reason: String

    public init(store: String, operation: String? = nil, reason: String) {
        self.store = store
        self.operation = operation
        self.reason = reason
    }

    /// The same outage, reported for `operation` (a request refused because the store already
    /// knows it has no database; the reason is how it found out).
    public func during(_ operation: String) -> StoreUnavailable {
        StoreUnavailable(store: store, operation: operation, reason: reason)
    }

    public var description: String {
        "\(store): store unavailable\(operation.map { " during \($0)" } ?? ""): \(reason)"
    }
}

/// A backend that can tell when it is unreachable. The hub asks before running an API request
/// (so a request fails at once with 503 instead of waiting for a connection) and classifies any
/// error that escapes a route. The SQLite store, a file opened at start, never conforms.
public protocol StoreAvailability: Sendable {
    /// Non-nil while the backend knows its database is unreachable (no primary found yet).
    var unavailable: StoreUnavailable? { get }
    /// `error` as a `StoreUnavailable` when it says the database could not be reached or the
    /// connection was lost (never for an error in the query itself); nil otherwise.
    func unavailability(of error: any Error) -> StoreUnavailable?
}
