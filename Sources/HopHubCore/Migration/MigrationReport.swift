/// What `hop-hub migrate` did, per table: the copy and the verification. `--json` prints it.
public struct MigrationReport: Sendable, Encodable, Hashable {
    /// One table's copy in this run.
    public struct Copy: Sendable, Encodable, Hashable {
        public var table: String
        /// Rows in the source table.
        public var sourceRows: Int
        /// Rows copied by this run (the rest, if any, by earlier runs).
        public var copiedRows: Int
        public var seconds: Double
        public var rowsPerSecond: Double { seconds > 0 ? Double(copiedRows) / seconds : 0 }

        public init(table: String, sourceRows: Int, copiedRows: Int, seconds: Double) {
            self.table = table
            self.sourceRows = sourceRows
            self.copiedRows = copiedRows
            self.seconds = seconds
        }

        enum CodingKeys: String, CodingKey { case table, sourceRows, copiedRows, seconds, rowsPerSecond }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(table, forKey: .table)
            try c.encode(sourceRows, forKey: .sourceRows)
            try c.encode(copiedRows, forKey: .copiedRows)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(rowsPerSecond.rounded(), forKey: .rowsPerSecond)
        }
    }

    /// One table's verification.
    public struct Check: Sendable, Codable, Hashable {
        /// How the table was compared.
        public enum Mode: String, Sendable, Codable, Hashable {
            /// Same row count and checksum on both sides.
            case equal
            /// The target held rows before the copy (`--into-non-empty`): every source row must be there.
            case contains
            /// Not copied: the table it refers to held rows on the target before the copy.
            case notCopied
        }

        public var table: String
        public var mode: Mode
        public var sourceRows: Int
        public var targetRows: Int
        public var sourceChecksum: String
        public var targetChecksum: String
        /// Source rows without an equal row on the target (`contains` only).
        public var missingRows: Int?
        public var matches: Bool

        public init(
            table: String, mode: Mode, sourceRows: Int, targetRows: Int, sourceChecksum: String, targetChecksum: String,
            missingRows: Int? = nil, matches: Bool
        ) {
            self.table = table
            self.mode = mode
            self.sourceRows = sourceRows
            self.targetRows = targetRows
            self.sourceChecksum = sourceChecksum
            self.targetChecksum = targetChecksum
            self.missingRows = missingRows
            self.matches = matches
        }
    }

    public var source: String
    public var target: String
    public var copies: [Copy] = []
    public var checks: [Check] = []
    public var seconds: Double = 0
    /// Tables of the SQLite schema left out, with why.
    public var skipped: [String: String] = [:]

    public init(source: String, target: String) {
        self.source = source
        self.target = target
    }

    /// Tables whose verification failed.
    public var mismatches: [String] { checks.filter { !$0.matches }.map(\.table) }
    /// Rows copied by this run over all tables.
    public var copiedRows: Int { copies.reduce(0) { $0 + $1.copiedRows } }
}

/// What the migrator tells its caller while it works (the command prints it on stderr).
public enum MigrationEvent: Sendable {
    /// A table's copy starts; `alreadyCopied` rows were committed by earlier runs.
    case copying(table: String, sourceRows: Int, alreadyCopied: Int)
    /// A batch was committed: `copied` of `sourceRows` rows are on the target, `rowsPerSecond` in this run.
    case batch(table: String, copied: Int, sourceRows: Int, rowsPerSecond: Double)
    /// A table's copy is complete.
    case copied(MigrationReport.Copy)
    /// A table was verified.
    case checked(MigrationReport.Check)
}
