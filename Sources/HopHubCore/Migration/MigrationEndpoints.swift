/// Where `hop-hub migrate` reads: the SQLite database of a stopped hub, opened read-only.
public protocol MigrationSource: Sendable {
    /// The database, for messages and the progress marker (a path, no secret).
    var description: String { get }
    /// Names of the tables the database holds (SQLite's own `sqlite_*` tables left out).
    func tableNames() async throws -> Set<String>
    /// How many rows `table` holds.
    func count(_ table: MigrationTable) async throws -> Int
    /// Up to `limit` rows of `table` in key order, after `key` (from the first row when nil),
    /// values in the order of `table.columns`.
    func rows(_ table: MigrationTable, after key: [MigrationValue]?, limit: Int) async throws -> [[MigrationValue]]
    /// The checksum of every row of `table`.
    func checksum(_ table: MigrationTable) async throws -> TableChecksum
    /// The digest of every row of `table` (for the containment check of a target that held rows).
    func digests(_ table: MigrationTable) async throws -> Set<RowDigest>
    func close() async throws
}

/// Where `hop-hub migrate` writes: a PostgreSQL database with the hub's schema.
public protocol MigrationTarget: Sendable {
    /// The database, for messages (never its password).
    var description: String { get }
    /// How many rows `table` holds.
    func count(_ table: MigrationTable) async throws -> Int
    /// The progress markers of earlier runs, by table (creating their table when missing).
    func progress() async throws -> [String: MigrationProgress]
    /// Records the markers of a first run (one transaction); markers already there stay.
    func start(_ markers: [MigrationProgress]) async throws
    /// Inserts `rows` (skipping rows whose key is already there) and stores `marker` in the same
    /// transaction: after a crash either both are there or neither.
    func write(_ rows: [[MigrationValue]], into table: MigrationTable, marker: MigrationProgress) async throws
    /// Moves `table.identity`'s sequence past the largest id, so new rows get new ids.
    func advanceIdentity(_ table: MigrationTable) async throws
    /// The checksum of every row of `table`.
    func checksum(_ table: MigrationTable) async throws -> TableChecksum
    /// How many of `digests` (the source's rows) have no equal row in `table`.
    func missing(_ digests: Set<RowDigest>, in table: MigrationTable) async throws -> Int
    func close() async throws
}

/// A table's progress marker on the target (`hop_migration_progress`).
public struct MigrationProgress: Sendable, Hashable {
    public var table: String
    /// The source database it is copied from.
    public var source: String
    /// Rows the table held on the target before the first run: 0 unless `--into-non-empty`.
    public var rowsBefore: Int
    /// The key of the last row committed, nil before the first batch.
    public var lastKey: [MigrationValue]?
    /// Source rows committed so far (over every run).
    public var rowsCopied: Int
    /// Whether every row has been copied.
    public var finished: Bool

    public init(table: String, source: String, rowsBefore: Int, lastKey: [MigrationValue]? = nil, rowsCopied: Int = 0, finished: Bool = false) {
        self.table = table
        self.source = source
        self.rowsBefore = rowsBefore
        self.lastKey = lastKey
        self.rowsCopied = rowsCopied
        self.finished = finished
    }
}
