import Foundation
import GRDB
import HopHubCore

/// The source of `hop-hub migrate`: a stopped hub's SQLite database, opened read-only (the file is
/// never written, nor migrated). Rows are read in key order with row-value comparisons on the
/// table's primary key or unique index, so each batch is one index range.
public final class SQLiteMigrationSource: MigrationSource {
    let queue: DatabaseQueue
    public let description: String

    /// Opens `path` read-only. Throws `MigrationError.sourceInUse` when another process has the
    /// database open (`SQLiteOpenCheck`): a running hub would go on writing what is being copied.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw SQLiteMigrationSourceError.noDatabase(path: path) }
        if let process = SQLiteOpenCheck.processHolding(databaseAt: path) { throw MigrationError.sourceInUse(path: path, process: process) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        // Absolute, so a resumed run names the same source however the directory was given.
        description = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    public func tableNames() async throws -> Set<String> {
        try await queue.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"))
        }
    }

    public func count(_ table: MigrationTable) async throws -> Int {
        try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(quoted(table.name))") ?? 0 }
    }

    public func rows(_ table: MigrationTable, after key: [MigrationValue]?, limit: Int) async throws -> [[MigrationValue]] {
        let keyList = table.key.map(quoted).joined(separator: ", ")
        var sql = "SELECT \(Self.columnList(table)) FROM \(quoted(table.name))"
        var arguments = StatementArguments()
        if let key {
            sql += " WHERE (\(keyList)) > (\(Array(repeating: "?", count: key.count).joined(separator: ", ")))"
            arguments = StatementArguments(key.map(\.databaseValue))
        }
        sql += " ORDER BY \(keyList) LIMIT \(limit)"
        let query = sql
        let bound = arguments
        return try await queue.read { db in
            var rows: [[MigrationValue]] = []
            rows.reserveCapacity(limit)
            let cursor = try Row.fetchCursor(db, sql: query, arguments: bound)
            while let row = try cursor.next() { rows.append(try Self.values(row, of: table)) }
            return rows
        }
    }

    public func checksum(_ table: MigrationTable) async throws -> TableChecksum {
        try await fold(table, into: TableChecksum()) { $0.add($1) }
    }

    public func digests(_ table: MigrationTable) async throws -> Set<RowDigest> {
        try await fold(table, into: Set<RowDigest>()) { $0.insert(RowDigest($1)) }
    }

    /// Every row of `table` (values in the order of `table.columns`) added into `initial`.
    func fold<Result: Sendable>(
        _ table: MigrationTable, into initial: Result, _ add: @escaping @Sendable (inout Result, [MigrationValue]) -> Void
    ) async throws -> Result {
        let sql = "SELECT \(Self.columnList(table)) FROM \(quoted(table.name))"
        return try await queue.read { db in
            var result = initial
            let cursor = try Row.fetchCursor(db, sql: sql)
            while let row = try cursor.next() { add(&result, try Self.values(row, of: table)) }
            return result
        }
    }

    public func close() async throws {
        try queue.close()
    }

    static func columnList(_ table: MigrationTable) -> String {
        table.columns.map { quoted($0.name) }.joined(separator: ", ")
    }

    /// The row's values as `MigrationValue`s of each column's kind (SQLite's storage class may
    /// differ from the declared type: an integer in a REAL column, a boolean stored as 0/1).
    static func values(_ row: Row, of table: MigrationTable) throws -> [MigrationValue] {
        var values: [MigrationValue] = []
        values.reserveCapacity(table.columns.count)
        for (index, column) in table.columns.enumerated() {
            let stored: DatabaseValue = row[index]
            guard let value = MigrationValue(stored, as: column.kind) else {
                throw SQLiteMigrationSourceError.unreadableValue(table: table.name, column: column.name, value: "\(stored)")
            }
            values.append(value)
        }
        return values
    }
}

/// Why the SQLite source could not be read.
public enum SQLiteMigrationSourceError: Error, CustomStringConvertible, Sendable {
    /// No database file at the path.
    case noDatabase(path: String)
    /// A stored value that cannot be read as its column's kind.
    case unreadableValue(table: String, column: String, value: String)

    public var description: String {
        switch self {
        case .noDatabase(let path): "no hub database at \(path) (is --data-dir the hub's data directory?)"
        case .unreadableValue(let table, let column, let value): "\(table).\(column): stored value \(value) is not of the column's type"
        }
    }
}

extension MigrationValue {
    /// `stored` read as `kind`; nil when it cannot be (text where a number belongs).
    init?(_ stored: DatabaseValue, as kind: MigrationColumn.Kind) {
        switch (stored.storage, kind) {
        case (.null, _): self = .null
        case (.int64(let v), .integer): self = .integer(v)
        case (.int64(let v), .real): self = .real(Double(v))
        case (.int64(let v), .boolean): self = .boolean(v != 0)
        case (.int64(let v), .text): self = .text(String(v))
        case (.double(let v), .real): self = .real(v)
        case (.double(let v), .integer):
            guard let exact = Int64(exactly: v) else { return nil }
            self = .integer(exact)
        case (.double(let v), .boolean): self = .boolean(v != 0)
        case (.double(let v), .text): self = .text(String(v))
        case (.string(let v), .text): self = .text(v)
        case (.string(let v), .blob): self = .blob(Array(v.utf8))
        case (.string(let v), .integer):
            guard let parsed = Int64(v) else { return nil }
            self = .integer(parsed)
        case (.string(let v), .real):
            guard let parsed = Double(v) else { return nil }
            self = .real(parsed)
        case (.blob(let v), .blob): self = .blob(Array(v))
        case (.blob(let v), .text): self = .text(String(decoding: v, as: UTF8.self))
        default: return nil
        }
    }

    /// The value bound in a SQLite statement (keys: integers and text).
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let v): v.databaseValue
        case .real(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .blob(let v): Data(v).databaseValue
        case .boolean(let v): (v ? 1 : 0).databaseValue
        }
    }
}

/// `name` as a quoted SQL identifier (every name here is one of the schema's).
private func quoted(_ name: String) -> String { "\"\(name)\"" }
