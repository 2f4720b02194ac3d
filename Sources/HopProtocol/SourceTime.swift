import Foundation

/// A point in time as milliseconds since the Unix epoch (UTC).
///
/// On input it accepts either an RFC 3339 string (`2026-11-26T15:04:05Z`, fractional seconds and
/// offsets allowed) or a JSON number of epoch milliseconds. On output it is an RFC 3339 string with
/// millisecond precision in UTC.
///
/// Every instant that comes from outside (a request body, a query parameter) is checked against
/// `representableRange` when it is decoded or parsed, so a `SourceTime` from outside always formats
/// as a four-digit-year RFC 3339 string. Formatting and arithmetic never trap, even for a value
/// made in code or read from an old database outside that range: they saturate at its ends.
public struct SourceTime: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var epochMilliseconds: Int64

    /// 0001-01-01T00:00:00.000Z … 9999-12-31T23:59:59.999Z: the instants RFC 3339's four-digit
    /// year can write. Decoding refuses anything outside it.
    public static let representableRange: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    public init(epochMilliseconds: Int64) { self.epochMilliseconds = epochMilliseconds }

    /// `nil` when the instant is outside `representableRange`.
    public init?(checkedEpochMilliseconds ms: Int64) {
        guard Self.representableRange.contains(ms) else { return nil }
        self.epochMilliseconds = ms
    }

    public init(_ date: Date) {
        let ms = (date.timeIntervalSince1970 * 1000).rounded()
        let range = Self.representableRange
        self.epochMilliseconds = ms.isNaN
            ? 0 : ms <= Double(range.lowerBound) ? range.lowerBound : ms >= Double(range.upperBound) ? range.upperBound : Int64(ms)
    }

    /// The current wall-clock time.
    public static func now() -> SourceTime { SourceTime(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(epochMilliseconds) / 1000) }

    /// Whether the instant lies in `representableRange` (always true for decoded values).
    public var isRepresentable: Bool { Self.representableRange.contains(epochMilliseconds) }

    public static func < (lhs: SourceTime, rhs: SourceTime) -> Bool {
        lhs.epochMilliseconds < rhs.epochMilliseconds
    }

    /// Saturates at `Int64`'s ends instead of trapping.
    public func adding(milliseconds: Int64) -> SourceTime {
        let (sum, overflow) = epochMilliseconds.addingReportingOverflow(milliseconds)
        return SourceTime(epochMilliseconds: overflow ? (milliseconds > 0 ? .max : .min) : sum)
    }

    /// Parses an RFC 3339 timestamp; `nil` when the text is not one or is outside `representableRange`.
    public init?(rfc3339 text: String) {
        guard let ms = RFC3339.parse(text), let time = SourceTime(checkedEpochMilliseconds: ms) else { return nil }
        self = time
    }

    /// The instant as RFC 3339 (UTC, milliseconds); an instant outside `representableRange` is shown
    /// as the nearest end of it.
    public var rfc3339: String { RFC3339.format(epochMilliseconds) }
    public var description: String { rfc3339 }

    /// Why a number is not an accepted timestamp, for decoding errors.
    static func outOfRange(_ value: some CustomStringConvertible) -> String {
        "timestamp \(String(describing: value).prefix(40)) is outside the years 0001…9999 (epoch milliseconds "
            + "\(representableRange.lowerBound)…\(representableRange.upperBound))"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let ms = try? container.decode(Int64.self) {
            guard let time = SourceTime(checkedEpochMilliseconds: ms) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.outOfRange(ms))
            }
            self = time
            return
        }
        if let double = try? container.decode(Double.self) {
            guard double.isFinite, abs(double) < 1e15, let time = SourceTime(checkedEpochMilliseconds: Int64(double.rounded()))
            else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.outOfRange(double))
            }
            self = time
            return
        }
        let text = try container.decode(String.self)
        guard let ms = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "timestamp '\(text.prefix(40))' is neither RFC 3339 nor epoch milliseconds")
        }
        guard let time = SourceTime(checkedEpochMilliseconds: ms) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.outOfRange("'\(text.prefix(40))'"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}
