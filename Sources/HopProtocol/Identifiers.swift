/// Typed identifiers, so a `SubstationID` cannot be passed where a `FeederID` is expected.
/// On the wire each one is a plain JSON string.
public protocol WireIdentifier: RawRepresentable, Codable, Hashable, Sendable, Comparable,
    ExpressibleByStringLiteral, CustomStringConvertible where RawValue == String
{
    init(_ rawValue: String)
}

extension WireIdentifier {
    public init(rawValue: String) { self.init(rawValue) }
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A substation, e.g. `SUB001`. Access grants and API-key scopes are expressed in these.
public struct SubstationID: WireIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A feeder within a substation, e.g. `FDR002`.
public struct FeederID: WireIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A measuring device, e.g. `SUB001-FDR002`.
public struct DeviceID: WireIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// An edge agent (`edge_id` in its config); batch sequence numbers are kept per edge.
public struct EdgeID: WireIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// An outage record; outages are upserted by this id.
public struct OutageID: WireIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
