/// A stored row this build cannot read back (an unknown role, action or state): an error naming
/// the table and row, not a guess.
public struct PostgresRowError: Error, CustomStringConvertible, Sendable {
    public var table: String
    public var id: String
    public var problem: String

    public init(table: String, id: String, problem: String) {
        self.table = table
        self.id = id
        self.problem = problem
    }

    public var description: String { "\(table) row \(id): \(problem)" }
}
