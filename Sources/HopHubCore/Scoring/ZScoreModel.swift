import HopProtocol

/// The seed's z-score model (DESIGN §5), as a pure function of one substation's readings.
///
/// - The baseline is the window itself, the latest reading included (as the seed computes it).
/// - `std` is the **population** standard deviation (divide by N, numpy's default `ddof=0`).
/// - `std == 0` (a flat window) gives `z = 0`, hence score 0 and NORMAL.
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
    }

    /// Scores `readings`, oldest first, latest last. `nil` when there are fewer than N readings.
    public func score(_ readings: [Double]) -> Result? {
        guard readings.count >= settings.window, settings.window > 0, let latest = readings.last else { return nil }
        let values = readings.suffix(settings.window)
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let std = variance.squareRoot()
        let z = std > 0 ? (latest - mean) / std : 0
        let score = min(abs(z) / settings.zThreshold, 1)
        return Result(
            anomalyScore: score, isAnomaly: abs(z) >= settings.zThreshold, zScore: z, baselineMean: mean,
            baselineStd: std, latestValue: latest, classification: AnomalyClass(score: score, elevatedAt: settings.elevatedAt, anomalyAt: settings.anomalyAt))
    }
}
