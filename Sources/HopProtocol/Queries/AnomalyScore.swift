/// An anomaly score as the seed's ML service writes it (all seven fields), plus its class.
/// Served by `GET /api/query/ml/latest` and `/api/query/ml/trend`.
public struct AnomalyScore: Codable, Hashable, Sendable {
    public var time: SourceTime
    public var substationID: SubstationID
    public var anomalyScore: Double
    public var isAnomaly: Bool
    public var zScore: Double
    public var baselineMean: Double
    public var baselineStd: Double
    public var latestValue: Double
    public var modelVersion: String
    /// `NORMAL` (< 0.4), `ELEVATED` (< 0.7) or `ANOMALY`.
    public var classification: String

    public init(
        time: SourceTime, substationID: SubstationID, anomalyScore: Double, isAnomaly: Bool, zScore: Double,
        baselineMean: Double, baselineStd: Double, latestValue: Double, modelVersion: String, classification: String
    ) {
        self.time = time
        self.substationID = substationID
        self.anomalyScore = anomalyScore
        self.isAnomaly = isAnomaly
        self.zScore = zScore
        self.baselineMean = baselineMean
        self.baselineStd = baselineStd
        self.latestValue = latestValue
        self.modelVersion = modelVersion
        self.classification = classification
    }

    enum CodingKeys: String, CodingKey {
        case time
        case substationID = "substation_id"
        case anomalyScore = "anomaly_score"
        case isAnomaly = "is_anomaly"
        case zScore = "z_score"
        case baselineMean = "baseline_mean"
        case baselineStd = "baseline_std"
        case latestValue = "latest_value"
        case modelVersion = "model_version"
        case classification
    }
}
