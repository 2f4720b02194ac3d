import Crypto

/// An order-independent checksum of a table's rows: the SHA-256 of each row's canonical encoding
/// (`MigrationValue.appendCanonical`), summed as four 64-bit lanes with wrap-around. Both stores
/// compute it in Swift from the rows they read, so equal checksums mean the same multiset of rows
/// whatever order each database returns them in (a duplicated row changes the sum, unlike XOR).
public struct TableChecksum: Sendable, Hashable, CustomStringConvertible {
    /// Rows added.
    public private(set) var rows = 0
    private var lanes: [UInt64] = [0, 0, 0, 0]

    public init() {}

    /// Adds one row, its values in the table's column order.
    public mutating func add(_ row: [MigrationValue]) {
        let digest = Self.digest(row)
        for lane in 0..<4 { lanes[lane] &+= digest[lane] }
        rows += 1
    }

    /// The row's SHA-256 as four 64-bit lanes.
    public static func digest(_ row: [MigrationValue]) -> [UInt64] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        for value in row { value.appendCanonical(to: &bytes) }
        let hash = Array(SHA256.hash(data: bytes))
        return (0..<4).map { lane in hash[lane * 8..<lane * 8 + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    }

    /// The sum as 64 hexadecimal digits.
    public var hex: String {
        lanes.map { lane in
            let digits = String(lane, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    public var description: String { "\(rows) rows, checksum \(hex.prefix(16))" }
}

/// The first 128 bits of a row's SHA-256: what the containment check (`--into-non-empty`) keeps
/// per source row to find the ones missing on the target.
public struct RowDigest: Sendable, Hashable {
    public var high: UInt64
    public var low: UInt64

    public init(_ row: [MigrationValue]) {
        let lanes = TableChecksum.digest(row)
        high = lanes[0]
        low = lanes[1]
    }
}
