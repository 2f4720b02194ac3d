/// A column copied by `hop-hub migrate`, with the kind both backends read it as.
public struct MigrationColumn: Sendable, Hashable {
    /// How the column's values are read on either side and bound on PostgreSQL.
    public enum Kind: String, Sendable, Hashable {
        /// SQLite `INTEGER`, PostgreSQL `bigint` or `integer`.
        case integer
        /// SQLite `REAL`, PostgreSQL `double precision`.
        case real
        /// `TEXT` / `text`.
        case text
        /// SQLite `BLOB`, PostgreSQL `bytea` (chunk and statistics formats, identical on both).
        case blob
        /// SQLite `INTEGER` 0 or 1, PostgreSQL `boolean`.
        case boolean
    }

    public var name: String
    public var kind: Kind

    public init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// A table `hop-hub migrate` copies: the same name and these columns on both backends.
///
/// Rows are read from the source in `key` order (the table's primary key or unique index on
/// SQLite) and in batches, so a run can resume after the last key it committed. `identity` names
/// the PostgreSQL identity column whose sequence is moved past the copied ids.
public struct MigrationTable: Sendable, Hashable {
    public var name: String
    public var columns: [MigrationColumn]
    /// Columns (all among `columns`) that order and identify the source's rows.
    public var key: [String]
    /// The identity column on PostgreSQL (`id`), whose sequence is advanced after the copy.
    public var identity: String?
    /// The table whose ids this one's rows refer to (`sessions` → `users`). When that table held
    /// rows on the target before the copy (`--into-non-empty`), an id may name another row there,
    /// so this table is not copied at all (a session would otherwise log in as another user).
    public var parent: String?

    public init(_ name: String, key: [String], identity: String? = nil, parent: String? = nil, _ columns: [MigrationColumn]) {
        self.name = name
        self.key = key
        self.identity = identity
        self.parent = parent
        self.columns = columns
    }

    /// Positions of the key columns within `columns`.
    public var keyIndexes: [Int] {
        key.map { name in columns.firstIndex { $0.name == name }! }
    }

    /// The key of a row read with `columns`.
    public func key(of row: [MigrationValue]) -> [MigrationValue] {
        keyIndexes.map { row[$0] }
    }
}

/// A table of the SQLite schema that `hop-hub migrate` leaves out, and why (docs/hub-storage.md).
public struct MigrationSkippedTable: Sendable, Hashable {
    public var name: String
    public var reason: String

    public init(_ name: String, _ reason: String) {
        self.name = name
        self.reason = reason
    }
}
