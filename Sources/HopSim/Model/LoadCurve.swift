import Foundation

/// The daily load shapes: a fraction of peak load by local solar hour, per kind of feeder.
///
/// Local solar hour = UTC hour + longitude / 15. Shapes are those of a winter weekday in the
/// Pacific Northwest.
public enum LoadCurve {
    /// What a feeder mostly serves; each feeder's class is drawn from the seed.
    public enum FeederClass: String, Sendable, Codable, CaseIterable {
        /// Night trough ~0.55 at 03:00, morning shoulder 08:00, evening peak ~0.97 at 18:30.
        case residential
        /// Night ~0.40, a daytime plateau peaking ~0.95 at 13:30.
        case commercial
        /// Flat-ish: 0.75 at night, ~0.95 around noon.
        case industrial
    }

    /// Load fraction (0.4…1.0) at a local hour in [0, 24).
    public static func fraction(localHour h: Double, class feederClass: FeederClass = .residential) -> Double {
        let value: Double
        switch feederClass {
        case .residential:
            value = 0.55 + 0.20 * bump(h, center: 8.0, width: 2.0) + 0.10 * bump(h, center: 13.0, width: 3.0)
                + 0.40 * bump(h, center: 18.5, width: 2.5)
        case .commercial:
            value = 0.40 + 0.55 * bump(h, center: 13.5, width: 3.2) + 0.05 * bump(h, center: 19.0, width: 2.0)
        case .industrial:
            value = 0.75 + 0.20 * bump(h, center: 12.0, width: 4.5)
        }
        return min(value, 1.0)
    }

    /// Local solar hour for an instant at a longitude.
    public static func localHour(epochMs: Int64, longitude: Double) -> Double {
        let hours = Double(epochMs) / 3_600_000 + longitude / 15
        let h = hours.truncatingRemainder(dividingBy: 24)
        return h < 0 ? h + 24 : h
    }

    /// A Gaussian bump on the 24-hour circle.
    static func bump(_ h: Double, center: Double, width: Double) -> Double {
        var d = abs(h - center)
        d = min(d, 24 - d)
        return exp(-(d * d) / (2 * width * width))
    }
}
