import HopProtocol

/// The alarm system's own performance over the caller's substations (`GET /api/alarms/kpis`,
/// Executive View, `/metrics`), against the ISA-18.2 benchmarks. docs/alarms.md gives the numbers
/// and their source.
public struct AlarmKPIs: Codable, Sendable, Hashable {
    /// A point that raised most often, with its share of all raises.
    public struct Frequent: Codable, Sendable, Hashable {
        public var type: AlarmType
        public var substationID: SubstationID
        public var point: String
        public var raises: Int
        public var sharePercent: Double
        enum CodingKeys: String, CodingKey {
            case type, point, raises
            case substationID = "substation_id"
            case sharePercent = "share_percent"
        }
    }

    /// A point raised at least `chatterRaises` times within one minute.
    public struct Chattering: Codable, Sendable, Hashable {
        public var type: AlarmType
        public var substationID: SubstationID
        public var point: String
        /// The most raises seen within any 60 s.
        public var maxPerMinute: Int
        enum CodingKeys: String, CodingKey {
            case type, point
            case substationID = "substation_id"
            case maxPerMinute = "max_per_minute"
        }
    }

    /// Hours the rates and lists look back over.
    public var windowHours: Int
    /// Annunciated raises in the last 10 minutes and the last hour.
    public var last10Minutes: Int
    public var lastHour: Int
    /// Average annunciated raises per 10 minutes over the window.
    public var averagePer10Minutes: Double
    /// The busiest 10-minute period of the window.
    public var max10Minutes: Int
    /// Share of the window's 10-minute periods with a flood (≥ `floodPer10Minutes` raises).
    public var floodPercent: Double
    /// `acceptable` (≤ 1 per 10 min), `manageable` (≤ 2), `demanding` (< 10) or `flood` (≥ 10),
    /// judged on the last 10 minutes.
    public var rateStatus: String
    /// Open alarms whose condition has been active for more than 24 hours.
    public var standing: Int
    /// Unacknowledged alarms (active or returned) by priority.
    public var unacknowledged: [String: Int]
    public var mostFrequent: [Frequent]
    public var chattering: [Chattering]
    /// Alarms acknowledged in the window and the time from raise to acknowledgement, seconds.
    public var acknowledged: Int
    public var meanSecondsToAcknowledge: Double?
    public var medianSecondsToAcknowledge: Double?

    enum CodingKeys: String, CodingKey {
        case standing, unacknowledged, chattering, acknowledged
        case windowHours = "window_hours"
        case last10Minutes = "last_10_min"
        case lastHour = "last_hour"
        case averagePer10Minutes = "average_per_10_min"
        case max10Minutes = "max_10_min"
        case floodPercent = "flood_percent"
        case rateStatus = "rate_status"
        case mostFrequent = "most_frequent"
        case meanSecondsToAcknowledge = "mean_seconds_to_acknowledge"
        case medianSecondsToAcknowledge = "median_seconds_to_acknowledge"
    }

    /// ISA-18.2 (2016) Table 5 / EEMUA 191: about 1 alarm per 10 minutes per operator is very likely
    /// acceptable, 2 the most manageable, 10 or more in 10 minutes is a flood.
    public static let acceptablePer10Minutes = 1
    public static let manageablePer10Minutes = 2
    public static let floodPer10Minutes = 10
    /// A chattering alarm: raised 3 or more times within 1 minute.
    public static let chatterRaises = 3
    /// A standing (stale) alarm: active for more than 24 hours.
    public static let standingMs: Int64 = 86_400_000

    /// Computes the KPIs at `now` from the window's raises (oldest first), the open alarms, and
    /// the (raise, acknowledgement) times of alarms acknowledged in the window.
    public static func compute(
        now: Int64, windowHours: Int = 24, raises: [AlarmRaise], open: [Alarm], acknowledgements: [(raisedAt: Int64, acknowledgedAt: Int64)]
    ) -> AlarmKPIs {
        let windowMs = Int64(windowHours) * 3_600_000
        let annunciated = raises.filter { $0.annunciated && $0.at > now - windowMs }
        let last10 = annunciated.filter { $0.at > now - 600_000 }.count
        let lastHour = annunciated.filter { $0.at > now - 3_600_000 }.count
        let periods = max(1, Int(windowMs / 600_000))
        var perPeriod = Array(repeating: 0, count: periods)
        for r in annunciated {
            let index = Int((now - r.at) / 600_000)
            if index >= 0, index < periods { perPeriod[index] += 1 }
        }
        let floods = perPeriod.filter { $0 >= floodPer10Minutes }.count
        let status =
            last10 <= acceptablePer10Minutes ? "acceptable"
            : last10 <= manageablePer10Minutes ? "manageable" : last10 < floodPer10Minutes ? "demanding" : "flood"

        var unacknowledged = Dictionary(uniqueKeysWithValues: AlarmPriority.allCases.map { ($0.rawValue, 0) })
        for a in open where a.state == .unacknowledgedActive || a.state == .returnedUnacknowledged {
            unacknowledged[a.priority.rawValue, default: 0] += 1
        }
        let standing = open.filter { $0.active && $0.state != .cleared && now - $0.raisedAt.epochMilliseconds > standingMs }.count

        struct Point: Hashable { var type: AlarmType; var sub: SubstationID; var point: String }
        var byPoint: [Point: [Int64]] = [:]
        for r in raises where r.at > now - windowMs { byPoint[Point(type: r.type, sub: r.substationID, point: r.point), default: []].append(r.at) }
        let total = max(1, byPoint.values.reduce(0) { $0 + $1.count })
        let frequent = byPoint.sorted { ($0.value.count, $1.key.sub, $1.key.type) > ($1.value.count, $0.key.sub, $0.key.type) }
            .prefix(10).map {
                Frequent(
                    type: $0.key.type, substationID: $0.key.sub, point: $0.key.point, raises: $0.value.count,
                    sharePercent: (Double($0.value.count) * 1000 / Double(total)).rounded() / 10)
            }
        var chattering: [Chattering] = []
        for (p, times) in byPoint {
            let most = maxWithin(times.sorted(), windowMs: 60_000)
            if most >= chatterRaises {
                chattering.append(Chattering(type: p.type, substationID: p.sub, point: p.point, maxPerMinute: most))
            }
        }
        chattering.sort { ($0.maxPerMinute, $1.substationID, $1.type) > ($1.maxPerMinute, $0.substationID, $0.type) }

        let tta = acknowledgements.map { Double(max(0, $0.acknowledgedAt - $0.raisedAt)) / 1000 }.sorted()
        let mean = tta.isEmpty ? nil : tta.reduce(0, +) / Double(tta.count)
        let median: Double? =
            tta.isEmpty ? nil : tta.count % 2 == 1 ? tta[tta.count / 2] : (tta[tta.count / 2 - 1] + tta[tta.count / 2]) / 2
        return AlarmKPIs(
            windowHours: windowHours, last10Minutes: last10, lastHour: lastHour,
            averagePer10Minutes: (Double(annunciated.count) / Double(periods) * 100).rounded() / 100,
            max10Minutes: perPeriod.max() ?? 0, floodPercent: (Double(floods) * 1000 / Double(periods)).rounded() / 10,
            rateStatus: status, standing: standing, unacknowledged: unacknowledged, mostFrequent: Array(frequent),
            chattering: chattering, acknowledged: tta.count, meanSecondsToAcknowledge: mean, medianSecondsToAcknowledge: median)
    }

    /// The most of `sorted` times falling within any `windowMs` span.
    static func maxWithin(_ sorted: [Int64], windowMs: Int64) -> Int {
        var best = 0
        var start = 0
        for end in sorted.indices {
            while sorted[end] - sorted[start] >= windowMs { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }
}
