/// `GET /api/query/frequency/thresholds`: frequency per substation with the normal band, for the
/// multi-substation threshold plot. Buckets as in `TimeSeriesResponse` (average across feeders).
public struct FrequencyThresholds: Codable, Hashable, Sendable {
    public var nominalHz: Double
    public var bandLowHz: Double
    public var bandHighHz: Double
    public var minutes: Int
    public var resolutionSeconds: Int
    public var series: [FrequencySeries]

    public init(nominalHz: Double, bandLowHz: Double, bandHighHz: Double, minutes: Int, resolutionSeconds: Int, series: [FrequencySeries]) {
        self.nominalHz = nominalHz
        self.bandLowHz = bandLowHz
        self.bandHighHz = bandHighHz
        self.minutes = minutes
        self.resolutionSeconds = resolutionSeconds
        self.series = series
    }

    enum CodingKeys: String, CodingKey {
        case nominalHz = "nominal_hz"
        case bandLowHz = "band_low_hz"
        case bandHighHz = "band_high_hz"
        case minutes
        case resolutionSeconds = "resolution_s"
        case series
    }
}

public struct FrequencySeries: Codable, Hashable, Sendable {
    public var substationID: SubstationID
    public var points: [FrequencyPoint]

    public init(substationID: SubstationID, points: [FrequencyPoint]) {
        self.substationID = substationID
        self.points = points
    }

    enum CodingKeys: String, CodingKey {
        case substationID = "substation_id"
        case points
    }
}

public struct FrequencyPoint: Codable, Hashable, Sendable {
    public var time: SourceTime
    public var frequencyHz: Double
    public var minHz: Double?
    public var maxHz: Double?

    public init(time: SourceTime, frequencyHz: Double, minHz: Double? = nil, maxHz: Double? = nil) {
        self.time = time
        self.frequencyHz = frequencyHz
        self.minHz = minHz
        self.maxHz = maxHz
    }

    enum CodingKeys: String, CodingKey {
        case time
        case frequencyHz = "frequency_hz"
        case minHz = "min_hz"
        case maxHz = "max_hz"
    }
}
