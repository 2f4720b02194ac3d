import HopProtocol

/// Compares the hub's `Date` header with the edge's clock. Readings are stamped with the edge's
/// clock and the hub refuses source times more than 5 minutes in the future, so an edge whose clock
/// runs ahead (no NTP in the substation) would see its batches quarantined; this names the cause.
enum ClockSkew {
    /// Seconds the edge's clock is ahead of the hub's (negative: behind), from an HTTP `Date`
    /// header in IMF-fixdate form (`Thu, 26 Nov 2026 16:00:00 GMT`, 1 s resolution); `nil` if absent
    /// or in another form. Parsed by hand: Foundation's date formatters would load ICU for this.
    static func seconds(dateHeader: String?, edgeNow: SourceTime) -> Double? {
        guard let parts = dateHeader?.split(separator: " "), parts.count == 6, parts[5] == "GMT",
            let month = months.firstIndex(of: String(parts[2])), parts[1].count == 2, parts[3].count == 4,
            parts[4].count == 8,
            let hub = SourceTime(rfc3339: "\(parts[3])-\(month < 9 ? "0" : "")\(month + 1)-\(parts[1])T\(parts[4])Z")
        else { return nil }
        return Double(edgeNow.epochMilliseconds - hub.epochMilliseconds) / 1000
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
