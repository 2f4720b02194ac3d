/// Settings of the anomaly scorer (DESIGN §5). Defaults are the seed's.
public struct ScoringSettings: Sendable, Hashable {
    /// Runs the scorer in this process (it still scores only while it holds the lease).
    public var enabled = true
    /// N: frequency readings per substation in the baseline window (the latest included).
    public var window = 20
    /// Z_THRESHOLD: `is_anomaly` when |z| ≥ this; also the score's divisor.
    public var zThreshold = 2.5
    /// Score at or above which a substation is ELEVATED.
    public var elevatedAt = 0.4
    /// Score at or above which a substation is ANOMALY (and an anomaly alert is considered).
    public var anomalyAt = 0.7
    /// Seconds between scoring passes.
    public var intervalSeconds = 60
    /// Substations whose latest reading is older than this are not scored (no fresh data).
    public var maxAgeSeconds = 300
    /// The model identifier written with every score.
    public static let modelVersion = "zscore-v1"

    public init() {}
}
