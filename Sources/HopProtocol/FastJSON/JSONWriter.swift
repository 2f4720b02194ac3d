/// Writes JSON the way Foundation's `JSONEncoder` (default options) writes the same values: nil
/// optionals left out, numbers as `Double.description` without a trailing `.0`, strings escaped
/// byte for byte alike (`/` as `\/`, control characters as short escapes or `\u00XX`). Keys come
/// in declaration order (`JSONEncoder`'s order varies from run to run). The large query answers
/// (thousands of points) are written with it instead of going through `Encodable`'s boxing, which
/// cost most of their response time. Differential tests hold the two to the same documents.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func byte(_ b: UInt8) {
        bytes.append(b)
    }

    /// `"key":` for a key that needs no escaping (the static keys of our types).
    @inline(__always) mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// `,"key":value` when `value` is present; nothing when it is nil (as `encodeIfPresent`).
    @inline(__always) mutating func field(_ name: StaticString, _ value: Double?) {
        guard let value else { return }
        bytes.append(UInt8(ascii: ","))
        key(name)
        number(value)
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (identifiers, versions, classifications) need no escape: appended whole.
        if !text.utf8.contains(where: Self.needsEscape) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "/"): raw("\\/")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hex[Int(b >> 4)])
                bytes.append(Self.hex[Int(b & 0x0F)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always) private static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "/")
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func number(_ value: Double) {
        // Integral values in Int64 range print as integers, which is also what `description`
        // gives after its `.0` is dropped (below 2^53 every integral Double is exact).
        if value == value.rounded(.towardZero), abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
            integer(Int64(value))
            return
        }
        // At most three decimals, 0.001 ≤ |value| < 10^9 (readings are mostly scaled register
        // values): `description` gives exactly k/1000, since that decimal parses to `value` and
        // any decimal of fewer digits lies at least 0.001 away, far beyond half an ulp here. Written
        // without the general shortest-digits search, which was a sixth of a long answer's time.
        let thousandths = (value * 1000).rounded()
        if abs(value) >= 1e-3, abs(value) < 1e9, thousandths / 1000 == value {
            thousandthsDecimal(Int64(thousandths))
            return
        }
        // `Double.write(to:)` hands its digits (those of `description`) to the stream's
        // `_writeASCII` from a stack buffer: no String per number, which cost about half the
        // writing time of a 20,000-point answer.
        var sink = ByteSink(bytes: bytes)
        bytes = []
        value.write(to: &sink)
        bytes = sink.bytes
        let n = bytes.count
        if n >= 2, bytes[n - 2] == UInt8(ascii: "."), bytes[n - 1] == UInt8(ascii: "0") { bytes.removeLast(2) }
    }

    /// `k / 1000` in decimal with the fraction's trailing zeros left out (`k` not a multiple of 1000).
    private mutating func thousandthsDecimal(_ k: Int64) {
        if k < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = k.magnitude
        integer(Int64(magnitude / 1000))
        var fraction = Int(magnitude % 1000)
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        bytes.append(UInt8(ascii: "."))
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction / divisor % 10))
            divisor /= 10
        }
    }

    mutating func integer(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            // The magnitude of Int64.min does not fit in Int64.
            unsigned(value == .min ? UInt64(Int64.max) + 1 : UInt64(-value))
        } else {
            unsigned(UInt64(value))
        }
    }

    private mutating func unsigned(_ value: UInt64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// A time as the RFC 3339 string `SourceTime` encodes to.
    mutating func time(_ time: SourceTime) {
        bytes.append(UInt8(ascii: "\""))
        RFC3339.append(time.epochMilliseconds, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `[e0,e1,…]`, each element written by `element`.
    mutating func array<C: Collection>(_ elements: C, _ element: (inout JSONWriter, C.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for e in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element(&self, e)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

/// The byte array a `JSONWriter` appends to, as a `TextOutputStream`: the standard library's
/// number types write their ASCII digits through `_writeASCII` without making a String.
private struct ByteSink: TextOutputStream {
    var bytes: [UInt8]

    mutating func write(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}
