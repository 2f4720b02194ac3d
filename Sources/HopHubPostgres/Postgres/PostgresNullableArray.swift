import NIOCore
import PostgresNIO

/// A one-dimensional PostgreSQL array whose elements may be NULL, bound as one parameter
/// (postgres-nio encodes `[T]` but not `[T?]`). Ingest binds a batch's columns this way and
/// inserts them with `unnest`: one statement per table however many rows.
struct PostgresNullableArray<Element: PlainArrayElement>: PostgresNonThrowingEncodable {
    var elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    static var psqlType: PostgresDataType { Element.arrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        writeArrayHeader(Element.self, count: elements.count, nulls: elements.contains { $0 == nil }, into: &buffer)
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            element.writeElement(into: &buffer)
        }
    }
}

/// A one-dimensional PostgreSQL array without NULLs, bound as one parameter. postgres-nio's `[T]`
/// encoder is generic across the module boundary (a call and a length fix-up per element): on the
/// ingest path its `bigint` arrays cost more hub CPU than decoding the batch's timestamps.
struct PostgresArray<Element: PlainArrayElement>: PostgresNonThrowingEncodable {
    var elements: [Element]

    init(_ elements: [Element]) { self.elements = elements }

    static var psqlType: PostgresDataType { Element.arrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        writeArrayHeader(Element.self, count: elements.count, nulls: false, into: &buffer)
        for element in elements { element.writeElement(into: &buffer) }
    }
}

/// The binary array format's header: dimensions, has-NULL flag, element type, then (when not
/// empty) the length and lower bound of the one dimension. Each element follows as length + bytes
/// (-1: NULL).
private func writeArrayHeader<Element: PlainArrayElement>(_: Element.Type, count: Int, nulls: Bool, into buffer: inout ByteBuffer) {
    // Room for a length and eight bytes per element at once, rather than doubling (and copying) the buffer as it fills.
    buffer.reserveCapacity(minimumWritableBytes: 20 + 12 * count)
    buffer.writeMultipleIntegers(Int32(count == 0 ? 0 : 1), Int32(nulls ? 1 : 0), Element.elementType.rawValue, endianness: .big)
    guard count > 0 else { return }
    buffer.writeMultipleIntegers(Int32(count), Int32(1), endianness: .big)
}
