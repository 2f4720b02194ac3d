import HopProtocol

/// RoCoF of a stored frequency series, the same arithmetic the judge uses: (f₂ − f₁) / (t₂ − t₁)
/// for each pair of consecutive points with distinct times no further apart than the gap limit.
public enum RoCoFSeriesBuilder {
    /// `points` in any order; points sharing a time are averaged first.
    public static func rocof(_ points: [FrequencyPoint], maxGapMs: Int64) -> [RoCoFPoint] {
        var merged: [(ts: Int64, hz: Double)] = []
        var n = 0
        for p in points.sorted(by: { $0.time.epochMilliseconds < $1.time.epochMilliseconds }) where p.frequencyHz.isFinite {
            let ts = p.time.epochMilliseconds
            if let last = merged.last, last.ts == ts {
                n += 1
                merged[merged.count - 1].hz = last.hz + (p.frequencyHz - last.hz) / Double(n)
            } else {
                merged.append((ts, p.frequencyHz))
                n = 1
            }
        }
        var out: [RoCoFPoint] = []
        for (a, b) in zip(merged, merged.dropFirst()) where b.ts - a.ts <= maxGapMs {
            out.append(RoCoFPoint(time: SourceTime(epochMilliseconds: b.ts), rocofHzPerS: (b.hz - a.hz) / (Double(b.ts - a.ts) / 1000)))
        }
        return out
    }

    /// The answer for stored series at `resolutionSeconds` (0: raw readings). Bucket averages are
    /// `resolutionSeconds` apart, so the gap limit is widened to one and a half buckets for them.
    public static func answer(
        series: [FrequencySeries], resolutionSeconds: Int, minutes: Int, settings: FrequencySettings
    ) -> FrequencyRoCoF {
        let gap = max(settings.maxGapMs, Int64(resolutionSeconds) * 1500)
        let out = series.compactMap { s -> RoCoFSeries? in
            let points = rocof(s.points, maxGapMs: gap)
            return points.isEmpty ? nil : RoCoFSeries(substationID: s.substationID, points: points)
        }
        return FrequencyRoCoF(
            limitHzPerS: settings.rocofLimitHzPerS, persistenceSeconds: settings.rocofPersistenceSeconds,
            maxGapSeconds: settings.maxGapSeconds, minutes: minutes, resolutionSeconds: resolutionSeconds, series: out)
    }
}
