/// Why `hop-hub migrate` stopped before copying or verifying everything. Each case names the
/// table (and count) it is about.
public enum MigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The target holds rows in tables this migration has not started on.
    case nonEmptyTarget([TableCount])
    /// The target holds progress markers of a migration from another source.
    case otherSource(target: String, recorded: String, source: String)
    /// The source holds tables this release does not know (neither copied nor skipped).
    case unknownTables([String])
    /// The source lacks tables this release copies: its schema is older.
    case missingTables([String])
    /// Another process (its id) has the source database open: a hub is running on it.
    case sourceInUse(path: String, process: Int)
    /// A test seam stopped the copy after this many batches.
    case interrupted(batches: Int)

    /// A table and its row count.
    public struct TableCount: Sendable, Equatable, CustomStringConvertible {
        public var table: String
        public var rows: Int

        public init(table: String, rows: Int) {
            self.table = table
            self.rows = rows
        }

        public var description: String { "\(table) (\(rows) \(rows == 1 ? "row" : "rows"))" }
    }

    public var description: String {
        switch self {
        case .nonEmptyTarget(let tables):
            return "the target database is not empty: \(tables.map(\.description).joined(separator: ", ")); "
                + "migrate into an empty database, or pass --into-non-empty to add the source's rows to what is there"
        case .otherSource(let target, let recorded, let source):
            return "\(target) holds a migration from \(recorded), not from \(source); use an empty database"
        case .unknownTables(let names):
            return "the source holds tables this hop-hub release does not know: \(names.joined(separator: ", ")); "
                + "use the hop-hub release that wrote the database"
        case .missingTables(let names):
            return "the source lacks tables: \(names.joined(separator: ", ")); its schema is older than this release: "
                + "start and stop this release's hub on it once (it migrates the file), then run migrate again"
        case .sourceInUse(let path, let process):
            return "\(path) is open in process \(process) (a hub running on this data directory?): "
                + "stop it, then run migrate again"
        case .interrupted(let batches):
            return "interrupted after \(batches) batches (run again to resume)"
        }
    }
}
