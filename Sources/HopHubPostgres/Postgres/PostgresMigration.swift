import PostgresNIO

/// One step of the schema: a name recorded in `hop_migrations` once applied, and its statements,
/// run in order in one transaction (one statement per string: the extended protocol takes one at a time).
public struct PostgresMigration: Sendable {
    public var name: String
    public var statements: [String]

    public init(_ name: String, _ statements: [String]) {
        self.name = name
        self.statements = statements
    }
}
