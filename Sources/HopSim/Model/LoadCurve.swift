import Foundation

/// The daily load shape: a fraction of peak load by local solar hour.
///
/// A night trough (~0.55 around 03:00), a morning shoulder (08:00) and the evening peak (18:30),
/// as on a winter weekday in the Pacific Northwest. Local solar hour = UTC hour + longitude / 15.
public enum LoadCurve {
    /// Load fraction (0.5…1.0) at a local hour in [0, 24).
    public static func fraction(localHour h: Double) -> Double {
        let value = 0.55 + 0.20 * bump(h, center: 8.0, width: 2.0) + 0.10 * bump(h, center: 13.0, width: 3.0)
            + 0.40 * bump(h, center: 18.5, width: 2.5)
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
