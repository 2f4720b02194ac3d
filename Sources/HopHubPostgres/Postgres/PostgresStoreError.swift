import PostgresNIO

/// A PostgreSQL operation that failed: which database (no password), what the store was doing,
/// and the server's or the driver's error (for a server error, its SQLSTATE and message).
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable {
    public var database: String
    public var operation: String
    public var underlying: any Error

    public init(database: String, operation: String, underlying: any Error) {
        self.database = database
        self.operation = operation
        self.underlying = underlying
    }

    public var description: String { "\(database): \(operation) failed: \(Self.describe(underlying))" }

    /// A `PSQLError`'s server fields (its own description hides them), or the error as it describes itself.
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let server = psql.serverInfo, let message = server[.message] {
            return "\(server[.sqlState] ?? "?") \(message)\(server[.detail].map { " (\($0))" } ?? "")"
        }
        return "\(psql.code)\(psql.underlying.map { ": \($0)" } ?? "")"
    }
}
