import HopProtocol

/// The seed's z-score model (DESIGN §5), as a pure function of one substation's readings.
///
/// - The baseline is the window itself, the latest reading included (as the seed computes it).
/// - `std` is the **population** standard deviation (divide by N, numpy's default `ddof=0`).
/// - `std == 0` (a flat window) gives `z = 0`, hence score 0 and NORMAL; so does a nearly flat one
///   whose std is below one part in 10⁹ of its largest value (`WindowStats`: the arithmetic is
///   done relative to the latest reading, so rounding cannot make a flat window look like a
///   one-sigma excursion).
/// - Fewer than `window` readings: no score (`nil`); the substation is skipped this pass.
public struct ZScoreModel: Sendable {
    public var settings: ScoringSettings

    public init(settings: ScoringSettings) {
        self.settings = settings
    }

    /// The result of scoring one window.
    public struct Result: Sendable, Hashable {
        public var anomalyScore: Double
        public var isAnomaly: Bool
        public var zScore: Double
        public var baselineMean: Double
        public var baselineStd: Double
        public var latestValue: Double
        public var classification: AnomalyClass

        /// A result as stored (the stores rebuild pending anomalies' scores with it).
        public init(
            anomalyScore: Double, isAnomaly: Bool, zScore: Double, baselineMean: Double, baselineStd: Double, latestValue: Double,
            classification: AnomalyClass
        ) {
            self.anomalyScore = anomalyScore
            self.isAnomaly = isAnomaly
            self.zScore = zScore
            self.baselineMean = baselineMean
            self.baselineStd = baselineStd
            self.latestValue = latestValue
            self.classification = classification
        }
    }

    /// Scores `readings`, oldest first, latest last. `nil` when there are fewer than N readings (or
    /// one is not finite, which ingest never lets through).
    public func score(_ readings: [Double]) -> Result? {
        guard readings.count >= settings.window, settings.window > 0, let latest = readings.last else { return nil }
        guard let stats = WindowStats(Array(readings.suffix(settings.window))) else { return nil }
        let z = stats.latestZ
        let score = min(abs(z) / settings.zThreshold, 1)
        return Result(
            anomalyScore: score, isAnomaly: abs(z) >= settings.zThreshold, zScore: z, baselineMean: stats.mean,
            baselineStd: stats.std, latestValue: latest,
            classification: AnomalyClass(score: score, elevatedAt: settings.elevatedAt, anomalyAt: settings.anomalyAt))
    }
}
