/// `GET /api/query/frequency/rocof`: rate of change of frequency per substation, Hz/s, from
/// consecutive frequency readings (or bucket averages when `resolution_s` > 0), with the hub's limit.
public struct FrequencyRoCoF: Codable, Hashable, Sendable {
    public var limitHzPerS: Double
    public var persistenceSeconds: Double
    public var maxGapSeconds: Double
    public var minutes: Int
    public var resolutionSeconds: Int
    public var series: [RoCoFSeries]

    public init(
        limitHzPerS: Double, persistenceSeconds: Double, maxGapSeconds: Double, minutes: Int, resolutionSeconds: Int,
        series: [RoCoFSeries]
    ) {
        self.limitHzPerS = limitHzPerS
        self.persistenceSeconds = persistenceSeconds
        self.maxGapSeconds = maxGapSeconds
        self.minutes = minutes
        self.resolutionSeconds = resolutionSeconds
        self.series = series
    }

    enum CodingKeys: String, CodingKey {
        case limitHzPerS = "limit_hz_per_s"
        case persistenceSeconds = "persistence_s"
        case maxGapSeconds = "max_gap_s"
        case minutes
        case resolutionSeconds = "resolution_s"
        case series
    }
}

/// One substation's RoCoF values, oldest first; each at the time of the later reading of its pair.
public struct RoCoFSeries: Codable, Hashable, Sendable {
    public var substationID: SubstationID
    public var points: [RoCoFPoint]
    /// The newest value, Hz/s.
    public var latestHzPerS: Double?
    /// The value of largest magnitude in the range (signed), Hz/s.
    public var peakHzPerS: Double?

    public init(substationID: SubstationID, points: [RoCoFPoint]) {
        self.substationID = substationID
        self.points = points
        latestHzPerS = points.last?.rocofHzPerS
        peakHzPerS = points.max { abs($0.rocofHzPerS) < abs($1.rocofHzPerS) }?.rocofHzPerS
    }

    enum CodingKeys: String, CodingKey {
        case substationID = "substation_id"
        case points
        case latestHzPerS = "latest_hz_per_s"
        case peakHzPerS = "peak_hz_per_s"
    }
}

public struct RoCoFPoint: Codable, Hashable, Sendable {
    public var time: SourceTime
    public var rocofHzPerS: Double

    public init(time: SourceTime, rocofHzPerS: Double) {
        self.time = time
        self.rocofHzPerS = rocofHzPerS
    }

    enum CodingKeys: String, CodingKey {
        case time
        case rocofHzPerS = "rocof_hz_per_s"
    }
}
