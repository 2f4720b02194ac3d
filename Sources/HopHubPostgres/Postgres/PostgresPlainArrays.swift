import NIOCore
import PostgresNIO

/// A one-dimensional array without NULLs read straight from PostgreSQL's binary array format, for
/// answers sent as one row of arrays per substation (`array_agg`). postgres-nio's `[T]` decoder is
/// generic across the module boundary: each element goes through a slice and unspecialized calls,
/// about 150 ns per element, most of the hub's decoding time for a week's trend (47,000 elements).
/// Throws on more than one dimension, NULL elements, or another element type, instead of misreading.
struct PlainArray<Element: PlainArrayElement>: PostgresDecodable {
    var values: [Element]

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        let count = try readArrayHeader(Element.self, from: &buffer, type: type, format: format, nulls: false)
        values = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let length = buffer.readInteger(endianness: .big, as: Int32.self), length >= 0,
                let value = Element.read(from: &buffer, length: Int(length))
            else {
                throw PostgresDecodingError.Code.failure
            }
            values.append(value)
        }
    }
}

/// ``PlainArray`` whose elements may be NULL (the head's readings).
struct NullablePlainArray<Element: PlainArrayElement>: PostgresDecodable {
    var values: [Element?]

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        let count = try readArrayHeader(Element.self, from: &buffer, type: type, format: format, nulls: true)
        values = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let length = buffer.readInteger(endianness: .big, as: Int32.self) else { throw PostgresDecodingError.Code.failure }
            guard length >= 0 else {
                values.append(nil)
                continue
            }
            guard let value = Element.read(from: &buffer, length: Int(length)) else { throw PostgresDecodingError.Code.failure }
            values.append(value)
        }
    }
}

/// Reads a binary array's header (dimensions, has-NULL flag, element type; then the one
/// dimension's length and lower bound) and returns its element count.
private func readArrayHeader<Element: PlainArrayElement>(
    _: Element.Type, from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, nulls: Bool
) throws -> Int {
    guard format == .binary, type == Element.arrayType else { throw PostgresDecodingError.Code.typeMismatch }
    guard let (dimensions, hasNulls, element) = buffer.readMultipleIntegers(endianness: .big, as: (Int32, Int32, UInt32).self),
        dimensions == 0 || dimensions == 1, nulls || hasNulls == 0, element == Element.elementType.rawValue
    else {
        throw PostgresDecodingError.Code.failure
    }
    guard dimensions == 1 else { return 0 }
    guard let (count, _) = buffer.readMultipleIntegers(endianness: .big, as: (Int32, Int32).self), count >= 0 else {
        throw PostgresDecodingError.Code.failure
    }
    return Int(count)
}

/// An element type of the plain binary arrays read (``PlainArray``) and bound (``PostgresArray``):
/// its PostgreSQL types, how one element of `length` bytes is read (nil when the length or the
/// bytes are not a value of it), and how one is written (its length, then its bytes).
protocol PlainArrayElement {
    static var arrayType: PostgresDataType { get }
    static var elementType: PostgresDataType { get }
    static func read(from buffer: inout ByteBuffer, length: Int) -> Self?
    func writeElement(into buffer: inout ByteBuffer)
}

extension Double: PlainArrayElement {
    static var arrayType: PostgresDataType { .float8Array }
    static var elementType: PostgresDataType { .float8 }
    static func read(from buffer: inout ByteBuffer, length: Int) -> Double? {
        length == 8 ? buffer.readInteger(endianness: .big, as: UInt64.self).map(Double.init(bitPattern:)) : nil
    }
    func writeElement(into buffer: inout ByteBuffer) { buffer.writeMultipleIntegers(Int32(8), bitPattern, endianness: .big) }
}

extension Int64: PlainArrayElement {
    static var arrayType: PostgresDataType { .int8Array }
    static var elementType: PostgresDataType { .int8 }
    static func read(from buffer: inout ByteBuffer, length: Int) -> Int64? {
        length == 8 ? buffer.readInteger(endianness: .big, as: Int64.self) : nil
    }
    func writeElement(into buffer: inout ByteBuffer) { buffer.writeMultipleIntegers(Int32(8), self, endianness: .big) }
}

extension Int32: PlainArrayElement {
    static var arrayType: PostgresDataType { .int4Array }
    static var elementType: PostgresDataType { .int4 }
    static func read(from buffer: inout ByteBuffer, length: Int) -> Int32? {
        length == 4 ? buffer.readInteger(endianness: .big, as: Int32.self) : nil
    }
    func writeElement(into buffer: inout ByteBuffer) { buffer.writeMultipleIntegers(Int32(4), self, endianness: .big) }
}

extension Bool: PlainArrayElement {
    static var arrayType: PostgresDataType { .boolArray }
    static var elementType: PostgresDataType { .bool }
    static func read(from buffer: inout ByteBuffer, length: Int) -> Bool? {
        length == 1 ? buffer.readInteger(as: UInt8.self).map { $0 != 0 } : nil
    }
    func writeElement(into buffer: inout ByteBuffer) { buffer.writeMultipleIntegers(Int32(1), UInt8(self ? 1 : 0), endianness: .big) }
}

/// Text in the connection's encoding, UTF-8.
extension String: PlainArrayElement {
    static var arrayType: PostgresDataType { .textArray }
    static var elementType: PostgresDataType { .text }
    static func read(from buffer: inout ByteBuffer, length: Int) -> String? {
        buffer.readString(length: length)
    }
    func writeElement(into buffer: inout ByteBuffer) {
        let lengthAt = buffer.writerIndex
        buffer.writeInteger(0, as: Int32.self)
        let written = buffer.writeString(self)
        buffer.setInteger(Int32(written), at: lengthAt)
    }
}

/// `bytea`.
extension ByteBuffer: PlainArrayElement {
    static var arrayType: PostgresDataType { .byteaArray }
    static var elementType: PostgresDataType { .bytea }
    static func read(from buffer: inout ByteBuffer, length: Int) -> ByteBuffer? {
        buffer.readSlice(length: length)
    }
    func writeElement(into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(readableBytes))
        buffer.writeImmutableBuffer(self)
    }
}
