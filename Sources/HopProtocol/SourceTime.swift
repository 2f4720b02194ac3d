import Foundation

/// A point in time as milliseconds since the Unix epoch (UTC).
///
/// On input it accepts either an RFC 3339 string (`2026-11-26T15:04:05Z`, fractional seconds and
/// offsets allowed) or a JSON number of epoch milliseconds. On output it is an RFC 3339 string with
/// millisecond precision in UTC.
public struct SourceTime: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) { self.epochMilliseconds = epochMilliseconds }

    public init(_ date: Date) {
        self.epochMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The current wall-clock time.
    public static func now() -> SourceTime { SourceTime(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(epochMilliseconds) / 1000) }

    public static func < (lhs: SourceTime, rhs: SourceTime) -> Bool {
        lhs.epochMilliseconds < rhs.epochMilliseconds
    }

    public func adding(milliseconds: Int64) -> SourceTime {
        SourceTime(epochMilliseconds: epochMilliseconds + milliseconds)
    }

    /// Parses an RFC 3339 timestamp; `nil` when the text is not one.
    public init?(rfc3339 text: String) {
        guard let ms = RFC3339.parse(text) else { return nil }
        self.epochMilliseconds = ms
    }

    public var rfc3339: String { RFC3339.format(epochMilliseconds) }
    public var description: String { rfc3339 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let ms = try? container.decode(Int64.self) {
            self.epochMilliseconds = ms
            return
        }
        if let double = try? container.decode(Double.self) {
            guard double.isFinite, abs(double) < 1e15 else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "timestamp number must be finite epoch milliseconds")
            }
            self.epochMilliseconds = Int64(double.rounded())
            return
        }
        let text = try container.decode(String.self)
        guard let ms = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "timestamp '\(text.prefix(40))' is neither RFC 3339 nor epoch milliseconds")
        }
        self.epochMilliseconds = ms
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}
