import NIOCore
import PostgresNIO

/// One-dimensional arrays without NULLs read straight from PostgreSQL's binary array format, for
/// answers sent as one row of arrays per substation (`array_agg`). postgres-nio's `[T]` decoder is
/// generic across the module boundary: each element goes through a slice and unspecialized calls,
/// about 150 ns per element, most of the hub's decoding time for a week's trend (47,000 elements).
enum PostgresPlainArray {
    /// Reads the header (dimensions, NULL flag, element type, length, lower bound) and returns the
    /// element count; throws when the array has more than one dimension, NULLs, or another element type.
    static func count(_ buffer: inout ByteBuffer, elementType: PostgresDataType) throws -> Int {
        guard let (dimensions, hasNulls, element) = buffer.readMultipleIntegers(endianness: .big, as: (Int32, Int32, UInt32).self),
            dimensions == 0 || dimensions == 1, hasNulls == 0, element == elementType.rawValue
        else {
            throw PostgresDecodingError.Code.failure
        }
        guard dimensions == 1 else { return 0 }
        guard let (count, _) = buffer.readMultipleIntegers(endianness: .big, as: (Int32, Int32).self), count >= 0 else {
            throw PostgresDecodingError.Code.failure
        }
        return Int(count)
    }

    /// Each of `count` elements of `width` bytes, read by `read` from the buffer positioned on it.
    static func elements<T>(_ buffer: inout ByteBuffer, count: Int, width: Int32, _ read: (inout ByteBuffer) -> T?) throws -> [T] {
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard buffer.readInteger(endianness: .big, as: Int32.self) == width, let value = read(&buffer) else {
                throw PostgresDecodingError.Code.failure
            }
            values.append(value)
        }
        return values
    }
}

/// A `float8[]` without NULLs.
struct PlainDoubles: PostgresDecodable {
    var values: [Double]

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard format == .binary, type == .float8Array else { throw PostgresDecodingError.Code.typeMismatch }
        let count = try PostgresPlainArray.count(&buffer, elementType: .float8)
        values = try PostgresPlainArray.elements(&buffer, count: count, width: 8) { b in
            b.readInteger(endianness: .big, as: UInt64.self).map(Double.init(bitPattern:))
        }
    }
}

/// An `int8[]` without NULLs.
struct PlainInt64s: PostgresDecodable {
    var values: [Int64]

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard format == .binary, type == .int8Array else { throw PostgresDecodingError.Code.typeMismatch }
        let count = try PostgresPlainArray.count(&buffer, elementType: .int8)
        values = try PostgresPlainArray.elements(&buffer, count: count, width: 8) { b in b.readInteger(endianness: .big, as: Int64.self) }
    }
}

/// A `bool[]` without NULLs.
struct PlainBools: PostgresDecodable {
    var values: [Bool]

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard format == .binary, type == .boolArray else { throw PostgresDecodingError.Code.typeMismatch }
        let count = try PostgresPlainArray.count(&buffer, elementType: .bool)
        values = try PostgresPlainArray.elements(&buffer, count: count, width: 1) { b in b.readInteger(as: UInt8.self).map { $0 != 0 } }
    }
}

/// A `text[]` without NULLs (UTF-8, as the connection's encoding is).
struct PlainTexts: PostgresDecodable {
    var values: [String]

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard format == .binary, type == .textArray else { throw PostgresDecodingError.Code.typeMismatch }
        let count = try PostgresPlainArray.count(&buffer, elementType: .text)
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let length = buffer.readInteger(endianness: .big, as: Int32.self), length >= 0,
                let text = buffer.readString(length: Int(length))
            else {
                throw PostgresDecodingError.Code.failure
            }
            values.append(text)
        }
        self.values = values
    }
}
