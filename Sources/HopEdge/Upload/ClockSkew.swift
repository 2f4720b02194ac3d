import Foundation
import HopProtocol

/// Compares the hub's `Date` header with the edge's clock. Readings are stamped with the edge's
/// clock and the hub refuses source times more than 5 minutes in the future, so an edge whose clock
/// runs ahead (no NTP in the substation) would see its batches quarantined; this names the cause.
enum ClockSkew {
    /// Seconds the edge's clock is ahead of the hub's (negative: behind), from an HTTP `Date`
    /// header (IMF-fixdate, 1 s resolution); `nil` if absent or unparsable.
    static func seconds(dateHeader: String?, edgeNow: SourceTime) -> Double? {
        guard let dateHeader else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let hubDate = formatter.date(from: dateHeader) else { return nil }
        return edgeNow.date.timeIntervalSince(hubDate)
    }
}
