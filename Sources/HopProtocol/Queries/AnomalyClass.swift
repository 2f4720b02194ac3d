/// The seed's classes of an anomaly score: NORMAL < 0.4 ≤ ELEVATED < 0.7 ≤ ANOMALY.
public enum AnomalyClass: String, Codable, Sendable, CaseIterable {
    case normal = "NORMAL"
    case elevated = "ELEVATED"
    case anomaly = "ANOMALY"

    public init(score: Double, elevatedAt: Double = 0.4, anomalyAt: Double = 0.7) {
        if score >= anomalyAt {
            self = .anomaly
        } else if score >= elevatedAt {
            self = .elevated
        } else {
            self = .normal
        }
    }
}
