import Foundation

/// Parsing of the unit-bearing scalars a technician writes: durations (`250ms`, `5s`, `2m`, `1h`)
/// and sizes (`512KiB`, `256MiB`, `1GB`, or a plain number of bytes).
enum Units {
    /// A duration with a mandatory unit; `nil` when the text is not one.
    static func duration(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            // "ms" also ends in "s": only accept a clean number before the suffix.
            guard let value = Double(number), value.isFinite, value >= 0 else { continue }
            return .milliseconds(Int64((value * factor * 1000).rounded()))
        }
        return nil
    }

    /// A byte count, with an optional decimal (KB, MB, GB) or binary (KiB, MiB, GiB) unit.
    static func bytes(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
            ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
        ]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
            return Int64((value * factor).rounded())
        }
        if let plain = Int64(t), plain >= 0 { return plain }
        return nil
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
