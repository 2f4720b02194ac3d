/// Why a chunk could not be encoded or decoded.
public enum ChunkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `encode` was given no points; a chunk holds at least one.
    case noPoints
    /// `encode` was given more than ``ChunkFormat/maxPoints`` points.
    case tooManyPoints(count: Int, limit: Int)
    /// Timestamps must be strictly increasing; `points[index].ts` is not after the previous one.
    /// ``ChunkPoints/merge(_:_:)`` orders points and resolves duplicates.
    case timestampsNotIncreasing(index: Int, previous: Int64, current: Int64)
    /// NaN and ±infinity are not valid readings and are refused.
    case nonFiniteValue(index: Int, column: ChunkColumn)
    /// Minute statistics to encode are inconsistent: a count below 1, or `min`/`max`/`last`
    /// outside each other's order.
    case invalidStatistics(index: Int, column: ChunkColumn, reason: String)
    /// The bytes are not a valid chunk.
    case corrupt(ChunkCorruption)

    /// One line for logs.
    public var description: String {
        switch self {
        case .noPoints: "chunk: no points to encode"
        case .tooManyPoints(let count, let limit): "chunk: \(count) points, at most \(limit) per chunk"
        case .timestampsNotIncreasing(let index, let previous, let current):
            "chunk: point \(index) has ts \(current), not after the previous ts \(previous)"
        case .nonFiniteValue(let index, let column): "chunk: point \(index) has a non-finite \(column)"
        case .invalidStatistics(let index, let column, let reason): "minute statistics: minute \(index), \(column): \(reason)"
        case .corrupt(let corruption): corruption.description
        }
    }
}

/// Where and how a chunk's bytes are not what the format requires.
public struct ChunkCorruption: Sendable, Equatable, CustomStringConvertible {
    /// The kind of damage.
    public enum Kind: Sendable, Equatable {
        /// The bytes end before the field at `offset` is complete.
        case truncated
        /// The first byte is not a version this decoder reads.
        case unsupportedVersion
        /// The CRC-32C trailer does not match the bytes before it.
        case checksumMismatch
        /// A field holds a value the format does not allow (or contradicts another field).
        case invalidField
        /// Bytes remain after the last section, or a section is longer than its content.
        case trailingBytes
    }

    /// The kind of damage.
    public var kind: Kind
    /// Byte offset from the start of the chunk where the problem was found.
    public var offset: Int
    /// The field or part of the chunk being read, e.g. `"header.count"`, `"current_a.residuals"`.
    public var field: String
    /// What the format requires there.
    public var expected: String
    /// What was found instead.
    public var found: String

    /// A corruption report.
    public init(kind: Kind, offset: Int, field: String, expected: String, found: String) {
        self.kind = kind
        self.offset = offset
        self.field = field
        self.expected = expected
        self.found = found
    }

    /// One line for logs.
    public var description: String {
        "chunk corrupt at byte \(offset) (\(field)): expected \(expected), found \(found)"
    }
}

extension ChunkError {
    static func truncated(at offset: Int, _ field: String, expected: String) -> ChunkError {
        .corrupt(ChunkCorruption(kind: .truncated, offset: offset, field: field, expected: expected, found: "end of data"))
    }

    static func invalid(at offset: Int, _ field: String, expected: String, found: String) -> ChunkError {
        .corrupt(ChunkCorruption(kind: .invalidField, offset: offset, field: field, expected: expected, found: found))
    }
}
