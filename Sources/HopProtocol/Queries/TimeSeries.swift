/// `GET /api/query/telemetry/timeseries`: one substation's readings over the last `minutes`.
///
/// `resolution_s` is 0 when the points are raw readings; otherwise each point summarises a bucket
/// of that many seconds (starting at `time`): the top-level values are averages and `min`/`max`
/// carry the extremes, so a chart can draw the envelope. Each series (feeder) has at most the
/// hub's `query.max_points_per_series` points whatever `minutes` is.
public struct TimeSeriesResponse: Codable, Hashable, Sendable {
    public var substationID: SubstationID
    public var minutes: Int
    public var resolutionSeconds: Int
    public var points: [TimeSeriesPoint]

    public init(substationID: SubstationID, minutes: Int, resolutionSeconds: Int, points: [TimeSeriesPoint]) {
        self.substationID = substationID
        self.minutes = minutes
        self.resolutionSeconds = resolutionSeconds
        self.points = points
    }

    enum CodingKeys: String, CodingKey {
        case substationID = "substation_id"
        case minutes
        case resolutionSeconds = "resolution_s"
        case points
    }
}

public struct TimeSeriesPoint: Codable, Hashable, Sendable {
    public var time: SourceTime
    public var feederID: FeederID?
    public var voltageKV: Double?
    public var currentA: Double?
    public var powerMW: Double?
    public var frequencyHz: Double?
    /// Bucket minima and maxima; absent for raw points.
    public var min: MetricValues?
    public var max: MetricValues?

    public init(time: SourceTime, feederID: FeederID?, values: MetricValues, min: MetricValues? = nil, max: MetricValues? = nil) {
        self.time = time
        self.feederID = feederID
        self.voltageKV = values.voltageKV
        self.currentA = values.currentA
        self.powerMW = values.powerMW
        self.frequencyHz = values.frequencyHz
        self.min = min
        self.max = max
    }

    enum CodingKeys: String, CodingKey {
        case time
        case feederID = "feeder_id"
        case voltageKV = "voltage_kv"
        case currentA = "current_a"
        case powerMW = "power_mw"
        case frequencyHz = "frequency_hz"
        case min, max
    }
}
