/// A response or unsolicited response fragment, decoded.
public struct ParsedResponse: Hashable, Sendable {
    public var header: ResponseHeader
    /// Measurements in the order the outstation sent them (for events: the order they happened).
    public var measurements: [Measurement]
    /// Object headers stepped over because this master does not map them, in order.
    public var skipped: [SkippedObjects]

    public init(header: ResponseHeader, measurements: [Measurement] = [], skipped: [SkippedObjects] = []) {
        self.header = header
        self.measurements = measurements
        self.skipped = skipped
    }
}

/// One object header whose objects were not mapped (e.g. frozen counters, octet strings).
public struct SkippedObjects: Hashable, Sendable, CustomStringConvertible {
    public var group: UInt8
    public var variation: UInt8
    public var count: Int
    public var offset: Int

    public var description: String { "g\(group)v\(variation) ×\(count) at offset \(offset)" }
}
