/// Numbers: RFC 8259's grammar, and reading a number's value without `strtod` where that is exact.
extension JSONScanner {
    /// A JSON number, strictly per the grammar, as the exact text (for Double or Int64 parsing).
    mutating func numberText() throws(Give) -> (text: Substring, integral: Bool) {
        let (span, integral) = try numberSpan()
        return (Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[span]), as: UTF8.self)), integral)
    }

    /// The bytes of a JSON number (RFC 8259's grammar) and whether it is written as an integer.
    mutating func numberSpan() throws(Give) -> (span: Range<Int>, integral: Bool) {
        skipWhitespace()
        let start = index
        func digit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digit(index) else { throw .up }
        if bytes[index] == 0x30 {
            index += 1
            if digit(index) { throw .up }
        } else {
            while digit(index) { index += 1 }
        }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard digit(index) else { throw .up }
            while digit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digit(index) else { throw .up }
            while digit(index) { index += 1 }
        }
        return (start..<index, integral)
    }

    mutating func double() throws(Give) -> Double {
        let (span, _) = try numberSpan()
        if let exact = Self.exactDouble(bytes, span) { return exact }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[span]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw .up }
        return value
    }

    /// Powers of ten a `Double` holds exactly.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
        1e21, 1e22,
    ]

    /// The value of a valid JSON number without `strtod`, when it has at most 15 significant
    /// digits and a decimal exponent within ±22 (readings like 230.51 or 59.998): the digits and
    /// the power of ten are then exact doubles and one multiplication or division rounds
    /// correctly (Clinger's fast path), giving exactly what `Double(String)` gives. Nil otherwise.
    static func exactDouble(_ bytes: UnsafeRawBufferPointer, _ span: Range<Int>) -> Double? {
        var i = span.lowerBound
        let end = span.upperBound
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var fraction = false
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: ".") {
                fraction = true
            } else if b >= 0x30, b <= 0x39 {
                if mantissa != 0 || b != 0x30 { digits += 1 }
                guard digits <= 15 else { return nil }
                mantissa = mantissa * 10 + UInt64(b - 0x30)
                if fraction { exponent -= 1 }
            } else {
                break  // the exponent
            }
            i += 1
        }
        if i < end {
            i += 1  // e or E
            var sign = 1
            if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
            }
            guard end - i <= 4 else { return nil }
            var written = 0
            while i < end {
                written = written * 10 + Int(bytes[i] - 0x30)
                i += 1
            }
            exponent += sign * written
        }
        guard abs(exponent) <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0) : nil }
        let value = exponent < 0 ? Double(mantissa) / exactPowersOfTen[-exponent] : Double(mantissa) * exactPowersOfTen[exponent]
        return negative ? -value : value
    }

    mutating func int64() throws(Give) -> Int64 {
        let (text, integral) = try numberText()
        guard integral, let value = Int64(text) else { throw .up }
        return value
    }

    mutating func optionalDouble() throws(Give) -> Double? { try consumeNull() ? nil : try double() }
}
