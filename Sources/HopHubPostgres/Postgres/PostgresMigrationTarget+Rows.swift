import HopHubCore
import NIOCore
import PostgresNIO

extension PostgresMigrationTarget {
    /// One INSERT of `rows` over one array per column; keys already present are skipped (a batch
    /// committed by a run whose marker update was lost, or rows of a non-empty target). Identity
    /// columns take the copied ids (`OVERRIDING SYSTEM VALUE`, which `GENERATED ALWAYS` needs).
    static func insert(_ rows: [[MigrationValue]], into table: MigrationTable) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: table.columns.count)
        var arrays: [String] = []
        for (index, column) in table.columns.enumerated() {
            let values = rows.map { $0[index] }
            let name = "\(table.name).\(column.name)"
            switch column.kind {
            case .integer:
                bindings.append(PostgresNullableArray(try values.map { try $0.integer(name) }))
                arrays.append("$\(index + 1)::int8[]")
            case .real:
                bindings.append(PostgresNullableArray(try values.map { try $0.real(name) }))
                arrays.append("$\(index + 1)::float8[]")
            case .text:
                bindings.append(PostgresNullableArray(try values.map { try $0.text(name) }))
                arrays.append("$\(index + 1)::text[]")
            case .blob:
                bindings.append(PostgresNullableArray(try values.map { try $0.blob(name).map { ByteBuffer(bytes: $0) } }))
                arrays.append("$\(index + 1)::bytea[]")
            case .boolean:
                bindings.append(PostgresNullableArray(try values.map { try $0.boolean(name) }))
                arrays.append("$\(index + 1)::bool[]")
            }
        }
        let columns = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        if table.name == "telemetry" { return PostgresQuery(unsafeSQL: headInsert(columns: columns, arrays: arrays), binds: bindings) }
        let overriding = table.identity == nil ? "" : " OVERRIDING SYSTEM VALUE"
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO "\(table.name)" (\(columns))\(overriding)
                SELECT * FROM unnest(\(arrays.joined(separator: ", "))) ON CONFLICT DO NOTHING
                """, binds: bindings)
    }
}

extension PostgresMigrationTarget {
    /// The head's readings (`telemetry`, a view on PostgreSQL) into `telemetry_head`: one row per
    /// series, block and arrival time, readings whose key is in the head already skipped.
    static func headInsert(columns: String, arrays: [String]) -> String {
        PostgresSchema.headRows(
            from: """
                (SELECT r.*, \(PostgresSchema.blockStartSQL("r.ts")) AS block_start
                 FROM unnest(\(arrays.joined(separator: ", "))) AS r(\(columns))) AS r
                """,
            filter: """
                WHERE NOT EXISTS (
                  SELECT 1 FROM telemetry_head h
                  WHERE h.substation_id = r.substation_id AND h.block_start = r.block_start AND h.feeder_id = r.feeder_id
                    AND r.ts = ANY(h.ts))
                """)
    }
}

/// A value whose case does not fit its column's kind (a bug in the source's reading).
struct MigrationValueMismatch: Error, CustomStringConvertible {
    var column: String
    var value: MigrationValue
    var description: String { "\(column): \(value) does not fit the column's type" }
}

extension MigrationValue {
    /// The value read from a PostgreSQL cell of a column of `kind`.
    init(_ cell: PostgresCell, as kind: MigrationColumn.Kind) throws {
        switch kind {
        case .integer: self = try cell.decode(Int64?.self).map(MigrationValue.integer) ?? .null
        case .real: self = try cell.decode(Double?.self).map(MigrationValue.real) ?? .null
        case .text: self = try cell.decode(String?.self).map(MigrationValue.text) ?? .null
        case .blob: self = try cell.decode(ByteBuffer?.self).map { .blob(Array($0.readableBytesView)) } ?? .null
        case .boolean: self = try cell.decode(Bool?.self).map(MigrationValue.boolean) ?? .null
        }
    }

    func integer(_ column: String) throws -> Int64? {
        switch self {
        case .null: return nil
        case .integer(let v): return v
        default: throw MigrationValueMismatch(column: column, value: self)
        }
    }

    func real(_ column: String) throws -> Double? {
        switch self {
        case .null: return nil
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: throw MigrationValueMismatch(column: column, value: self)
        }
    }

    func text(_ column: String) throws -> String? {
        switch self {
        case .null: return nil
        case .text(let v): return v
        default: throw MigrationValueMismatch(column: column, value: self)
        }
    }

    func blob(_ column: String) throws -> [UInt8]? {
        switch self {
        case .null: return nil
        case .blob(let v): return v
        default: throw MigrationValueMismatch(column: column, value: self)
        }
    }

    func boolean(_ column: String) throws -> Bool? {
        switch self {
        case .null: return nil
        case .boolean(let v): return v
        default: throw MigrationValueMismatch(column: column, value: self)
        }
    }
}
