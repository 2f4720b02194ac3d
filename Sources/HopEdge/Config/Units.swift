import Foundation

/// Parsing of the unit-bearing scalars a technician writes: durations (`250ms`, `5s`, `2m`, `1h`)
/// and sizes (`512KiB`, `256MiB`, `1GB`, or a plain number of bytes).
///
/// The parsers return the value as a `Double` so callers range-check it before converting to an
/// integer type: no text, however large, can trap.
enum Units {
    /// A duration with a mandatory unit, in milliseconds; `nil` when the text is not one.
    static func durationMilliseconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            // "ms" also ends in "s": only accept a clean number before the suffix.
            guard let value = Double(number), value.isFinite, value >= 0 else { continue }
            let ms = value * factor
            return ms.isFinite ? ms : nil
        }
        return nil
    }

    /// A duration with a mandatory unit; `nil` when the text is not one or does not fit a `Duration`.
    static func duration(_ text: String) -> Duration? {
        guard let ms = durationMilliseconds(text), let whole = Int64(exactly: ms.rounded()),
            whole < Int64.max / 1000
        else { return nil }
        return .milliseconds(whole)
    }

    /// A byte count, with an optional decimal (KB, MB, GB) or binary (KiB, MiB, GiB) unit, as a
    /// (possibly huge) `Double`; `nil` when the text is not a size.
    static func byteCount(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
            ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
        ]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
            let bytes = (value * factor).rounded()
            return bytes.isFinite ? bytes : nil
        }
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }), let plain = Double(t) else { return nil }
        return plain
    }

    /// A byte count that fits an `Int64`; `nil` otherwise.
    static func bytes(_ text: String) -> Int64? {
        byteCount(text).flatMap { Int64(exactly: $0) }
    }
}

extension Duration {
    /// Seconds as a floating-point number.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }

    /// Milliseconds, rounded down.
    var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }

    /// Renders `1.5s`, `250ms`, `2m`.
    var compact: String {
        let ms = milliseconds
        if ms % 3_600_000 == 0, ms >= 3_600_000 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0, ms >= 60_000 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        if ms >= 1000 { return "\(Double(ms) / 1000)s" }
        return "\(ms)ms"
    }
}
