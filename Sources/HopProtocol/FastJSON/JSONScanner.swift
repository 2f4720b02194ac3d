import Foundation

/// A strict, allocation-light JSON scanner for the ingest hot path. It accepts exactly RFC 8259
/// JSON; anything it does not understand makes the caller give up (return nil) and fall back to
/// Foundation's `JSONDecoder`, which then produces the answer or the precise error. So the fast
/// path can only ever be faster, never different.
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    /// Arrays and objects open around `index`. Each level is a recursion of the scanner's
    /// callers, so past `maxDepth` it gives up (the caller's fallback checks the nesting first).
    var depth = 0
    static let maxDepth = 64

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    enum Give: Error { case up }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func peek() throws(Give) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw .up }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8) throws(Give) {
        guard try peek() == byte else { throw .up }
        index += 1
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) throws(Give) -> Bool {
        if try peek() == byte {
            index += 1
            return true
        }
        return false
    }

    mutating func consumeNull() throws(Give) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        guard index + 4 <= bytes.count, bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] == UInt8(ascii: "l"),
            bytes[index + 3] == UInt8(ascii: "l")
        else { throw .up }
        index += 4
        return true
    }

    /// Iterates the members of an object: `body` is called with each key.
    mutating func object(_ body: (inout JSONScanner, String) throws(Give) -> Void) throws(Give) {
        try members({ (s: inout JSONScanner) throws(Give) in try s.string() }, body)
    }

    /// Iterates the members of an object like ``object(_:)``, handing `body` each key's bytes as
    /// they are in the text. Gives up on a key with an escape or a non-ASCII byte (JSONDecoder
    /// compares keys unescaped, and judges the UTF-8).
    mutating func rawObject(_ body: (inout JSONScanner, UnsafeRawBufferPointer) throws(Give) -> Void) throws(Give) {
        try members({ (s: inout JSONScanner) throws(Give) in try s.rawKey() }, body)
    }

    /// An object's members, each key read by `key`, one level deeper (giving up past `maxDepth`).
    private mutating func members<Key>(
        _ key: (inout JSONScanner) throws(Give) -> Key, _ body: (inout JSONScanner, Key) throws(Give) -> Void
    ) throws(Give) {
        try expect(UInt8(ascii: "{"))
        depth += 1
        guard depth <= Self.maxDepth else { throw .up }
        defer { depth -= 1 }
        if try consume(UInt8(ascii: "}")) { return }
        repeat {
            let k = try key(&self)
            try expect(UInt8(ascii: ":"))
            try body(&self, k)
        } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// A key's bytes without escapes or non-ASCII bytes (else gives up).
    private mutating func rawKey() throws(Give) -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""))
        let start = index
        while true {
            guard index < bytes.count else { throw .up }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 || b >= 0x80 || b == UInt8(ascii: "\\") { throw .up }
            index += 1
        }
        defer { index += 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
    }

    /// Whether raw key bytes are `name`.
    static func key(_ key: UnsafeRawBufferPointer, is name: StaticString) -> Bool {
        key.count == name.utf8CodeUnitCount && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
    }

    /// Iterates the elements of an array.
    mutating func array(_ body: (inout JSONScanner) throws(Give) -> Void) throws(Give) {
        try expect(UInt8(ascii: "["))
        depth += 1
        guard depth <= Self.maxDepth else { throw .up }
        defer { depth -= 1 }
        if try consume(UInt8(ascii: "]")) { return }
        repeat {
            try body(&self)
        } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
    }

    mutating func string() throws(Give) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        var simple = true
        while true {
            guard index < bytes.count else { throw .up }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw .up }
            if b == UInt8(ascii: "\\") {
                simple = false
                index += 2
                continue
            }
            if b >= 0x80 { simple = false }
            index += 1
        }
        let end = index
        index += 1
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if simple { return String(decoding: slice, as: UTF8.self) }
        return try unescape(slice)
    }

    private func unescape(_ raw: UnsafeRawBufferPointer) throws(Give) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(_ at: Int) throws(Give) -> UInt32 {
            guard at + 4 <= raw.count else { throw .up }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = raw[k]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: throw .up
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < raw.count else { throw .up }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") else { throw .up }
                    let low = try hex4(i + 2)
                    guard (0xDC00...0xDFFF).contains(low) else { throw .up }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw .up
                }
                guard let u = Unicode.Scalar(scalar) else { throw .up }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw .up
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw .up }
        return text
    }

    mutating func optionalString() throws(Give) -> String? { try consumeNull() ? nil : try string() }

    /// Skips any value and returns the byte range it occupied.
    mutating func skipValue() throws(Give) -> Range<Int> {
        let first = try peek()
        let start = index
        switch first {
        case UInt8(ascii: "{"): try object { (s: inout JSONScanner, _: String) throws(Give) in _ = try s.skipValue() }
        case UInt8(ascii: "["): try array { (s: inout JSONScanner) throws(Give) in _ = try s.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): _ = try consumeNull()
        default: _ = try numberSpan()
        }
        return start..<index
    }

    private mutating func literal(_ word: StaticString) throws(Give) {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { throw .up }
        for k in 0..<n where bytes[index + k] != word.utf8Start[k] { throw .up }
        index += n
    }
}
