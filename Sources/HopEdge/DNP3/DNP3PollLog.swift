import HopDNP3

/// Everything the master saw in its polls, for `hop-edge probe`: each point's latest value with
/// flags and time, skipped objects and IIN bits.
public struct DNP3PollLog: Sendable {
    public struct Point: Sendable, Hashable {
        public var type: PointType
        public var index: UInt32
        public var object: String
        public var value: String
        public var flags: [String]
        public var time: Int64?
        public var isEvent: Bool
        /// `used`, `rejected` (bad flags or value) or `unmapped`.
        public var outcome: String
    }

    /// Latest measurement per point and kind (static or event), in first-seen order.
    public private(set) var points: [Point] = []
    public private(set) var skipped: [String] = []
    public private(set) var iin: [String] = []
    public private(set) var fragments = 0
    private var position: [String: Int] = [:]

    public init() {}

    mutating func record(_ m: Measurement, outcome: DNP3PointIndex.Outcome) {
        let point = Point(
            type: m.type, index: m.index, object: "g\(m.group)v\(m.variation)", value: m.value.description,
            flags: m.flags.names, time: m.time?.epochMilliseconds, isEvent: m.isEvent, outcome: outcome.rawValue)
        let key = "\(m.type.rawValue)#\(m.index)#\(m.isEvent)"
        if let i = position[key] {
            points[i] = point
        } else {
            position[key] = points.count
            points.append(point)
        }
    }

    mutating func record(_ response: ParsedResponse) {
        fragments += 1
        for s in response.skipped where !skipped.contains("g\(s.group)v\(s.variation)") { skipped.append("g\(s.group)v\(s.variation)") }
        for name in response.header.iin.names where !iin.contains(name) { iin.append(name) }
    }
}
