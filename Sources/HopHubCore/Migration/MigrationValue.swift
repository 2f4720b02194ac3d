/// One column value of a row being moved between stores, in the form both backends agree on.
///
/// SQLite is dynamically typed and stores booleans as integers; PostgreSQL has `boolean`, `bigint`,
/// `integer`, `double precision`, `text` and `bytea`. Each side turns its values into these cases
/// following the column's `MigrationColumn.Kind`, so that a row read from either side encodes to the
/// same bytes (`canonicalBytes`) when it holds the same data.
public enum MigrationValue: Sendable, Hashable, Codable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case boolean(Bool)

    /// Appends a self-delimiting encoding of the value: a tag byte, then the value (integers and
    /// doubles as 8 big-endian bytes, doubles by bit pattern; text and blobs with their length first).
    public func appendCanonical(to bytes: inout [UInt8]) {
        switch self {
        case .null:
            bytes.append(0)
        case .integer(let value):
            bytes.append(1)
            Self.append(UInt64(bitPattern: value), to: &bytes)
        case .real(let value):
            bytes.append(2)
            Self.append(value.bitPattern, to: &bytes)
        case .text(let value):
            bytes.append(3)
            let utf8 = Array(value.utf8)
            Self.append(UInt64(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
        case .blob(let value):
            bytes.append(4)
            Self.append(UInt64(value.count), to: &bytes)
            bytes.append(contentsOf: value)
        case .boolean(let value):
            bytes.append(value ? 6 : 5)
        }
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
