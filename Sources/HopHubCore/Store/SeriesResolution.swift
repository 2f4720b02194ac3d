/// How a time-series query is answered for a window: raw readings, or rollup buckets whose width
/// keeps every series within the point budget. Shared by every store backend.
public enum SeriesResolution: Sendable, Equatable {
    case raw
    /// Buckets of this many seconds (a multiple of 60), built from the per-minute rollups.
    case buckets(seconds: Int)

    /// Raw readings are used when the window could hold at most `maxPoints` readings at the given
    /// densest expected rate; otherwise the narrowest whole-minute bucket that fits the budget,
    /// rounded up to a multiple of ten minutes when it is wider than five.
    public static func choose(window: SeriesWindow, rawPointsPerSeries: Int) -> SeriesResolution {
        if rawPointsPerSeries <= window.maxPoints { return .raw }
        let spanSeconds = max(1, Int((window.to - window.from + 999) / 1000))
        // One bucket less than the budget: the first bucket is aligned down and may be partial.
        let buckets = max(1, window.maxPoints - 1)
        let perPoint = (spanSeconds + buckets - 1) / buckets
        let minutes = max(1, (perPoint + 59) / 60)
        // Wider than five minutes: a multiple of ten, so the buckets are whole ten-minute periods
        // (the statistics tier long ranges are read from); 7 days → 10 minutes, 1,008 points.
        return .buckets(seconds: (minutes > 5 ? (minutes + 9) / 10 * 10 : minutes) * 60)
    }

    public var seconds: Int {
        switch self {
        case .raw: return 0
        case .buckets(let s): return s
        }
    }
}
