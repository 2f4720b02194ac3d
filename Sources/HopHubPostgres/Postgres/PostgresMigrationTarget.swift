import Foundation
import HopHubCore
import Logging
import NIOCore
import PostgresNIO

/// The target of `hop-hub migrate`: a PostgreSQL database opened (and migrated) as the hub's
/// store. Each batch is one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING` (one array
/// per column, so a statement's size does not depend on its rows) committed together with the
/// table's marker in `hop_migration_progress`.
public struct PostgresMigrationTarget: MigrationTarget {
    let store: PostgresStore
    let logger: Logger

    public init(store: PostgresStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public var description: String { store.settings.description }

    public func count(_ table: MigrationTable) async throws -> Int {
        try await run("counting \(table.name)") { connection in
            Int(try await connection.integer(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(quoted(table.name))"), logger: logger))
        }
    }

    public func progress() async throws -> [String: MigrationProgress] {
        try await run("reading hop_migration_progress") { connection in
            try await connection.query(Self.createProgressTable, logger: logger)
            var markers: [String: MigrationProgress] = [:]
            let rows = try await connection.query(
                "SELECT table_name, source, rows_before, last_key, rows_copied, finished FROM hop_migration_progress", logger: logger)
            for try await (table, source, before, key, copied, finished) in rows.decode((String, String, Int64, String?, Int64, Bool).self) {
                let lastKey = try key.map { try JSONDecoder().decode([MigrationValue].self, from: Data($0.utf8)) }
                markers[table] = MigrationProgress(
                    table: table, source: source, rowsBefore: Int(before), lastKey: lastKey, rowsCopied: Int(copied), finished: finished)
            }
            return markers
        }
    }

    public func start(_ markers: [MigrationProgress]) async throws {
        try await transaction("recording the migration's start") { connection in
            for marker in markers {
                try await connection.query(
                    """
                    INSERT INTO hop_migration_progress (table_name, source, rows_before, rows_copied, finished, updated_at)
                    VALUES (\(marker.table), \(marker.source), \(Int64(marker.rowsBefore)), 0, false, \(Self.now()))
                    ON CONFLICT (table_name) DO NOTHING
                    """, logger: logger)
            }
        }
    }

    public func write(_ rows: [[MigrationValue]], into table: MigrationTable, marker: MigrationProgress) async throws {
        let insert = try rows.isEmpty ? nil : Self.insert(rows, into: table)
        let key = try marker.lastKey.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await transaction("copying \(table.name)") { connection in
            if let insert { try await connection.query(insert, logger: logger) }
            try await connection.query(
                """
                UPDATE hop_migration_progress SET last_key = \(key), rows_copied = \(Int64(marker.rowsCopied)),
                  finished = \(marker.finished), updated_at = \(Self.now())
                WHERE table_name = \(table.name)
                """, logger: logger)
        }
    }

    public func advanceIdentity(_ table: MigrationTable) async throws {
        guard let column = table.identity else { return }
        try await run("advancing \(table.name).\(column)'s sequence") { connection in
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(table.name)', '\(column)'), m)
                        FROM (SELECT max(\(quoted(column))) AS m FROM \(quoted(table.name))) AS t WHERE m IS NOT NULL
                        """), logger: logger)
        }
    }

    public func checksum(_ table: MigrationTable) async throws -> TableChecksum {
        var checksum = TableChecksum()
        try await forEachRow(table) { checksum.add($0) }
        return checksum
    }

    public func missing(_ digests: Set<RowDigest>, in table: MigrationTable) async throws -> Int {
        var remaining = digests
        try await forEachRow(table) { remaining.remove(RowDigest($0)) }
        return remaining.count
    }

    public func close() async throws {
        try await store.close()
    }

    /// Reads every row of `table` as `MigrationValue`s (integers as `bigint` whatever their width).
    func forEachRow(_ table: MigrationTable, _ body: ([MigrationValue]) -> Void) async throws {
        let columns = table.columns.map { $0.kind == .integer ? "\(quoted($0.name))::int8" : quoted($0.name) }
        let query = PostgresQuery(unsafeSQL: "SELECT \(columns.joined(separator: ", ")) FROM \(quoted(table.name))")
        do {
            for try await row in try await store.client.query(query, logger: logger) {
                var values: [MigrationValue] = []
                values.reserveCapacity(table.columns.count)
                for (cell, column) in zip(row, table.columns) { values.append(try MigrationValue(cell, as: column.kind)) }
                body(values)
            }
        } catch {
            throw store.storeError(error, operation: "reading \(table.name) to verify it")
        }
    }

    func run<Result: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await store.client.withConnection { try await body($0) }
        } catch {
            throw store.storeError(error, operation: operation)
        }
    }

    func transaction<Result: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await PostgresStore.transaction(store.client, closes: store.primary.closes, logger: logger, body)
        } catch {
            throw store.storeError(error, operation: operation)
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The table holding one progress marker per table; it outlives the migration (a later run
    /// only verifies) and the hub never reads it.
    static let createProgressTable: PostgresQuery = """
        CREATE TABLE IF NOT EXISTS hop_migration_progress (
          table_name text PRIMARY KEY,
          source text NOT NULL,
          rows_before bigint NOT NULL,
          last_key text,
          rows_copied bigint NOT NULL DEFAULT 0,
          finished boolean NOT NULL DEFAULT false,
          updated_at bigint NOT NULL)
        """
}

/// `name` as a quoted SQL identifier (every name here is one of the schema's).
private func quoted(_ name: String) -> String { "\"\(name)\"" }
