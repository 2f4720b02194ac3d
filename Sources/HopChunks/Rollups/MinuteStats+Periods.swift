/// Coarser statistics from minute statistics: what the ten-minute tier holds.
extension MinuteStats {
    /// Ten minutes, the period of the coarse statistics tier (docs/chunk-format.md).
    public static let tenMinutesMs: Int64 = 600_000

    /// Start of the period of `widthMs` holding `ts` (floor division, so negative times align too).
    public static func periodStart(_ ts: Int64, widthMs: Int64) -> Int64 {
        let q = ts / widthMs
        return (ts % widthMs < 0 ? q - 1 : q) * widthMs
    }

    /// `minutes` (ordered by minute, one entry per minute) combined per period of `widthMs`: each
    /// entry's `minute` is the period start, its statistics those of every reading of its minutes
    /// (counts and sums added, extremes kept, `last` from the latest minute).
    ///
    /// A sum of minute sums that each have at most `s` decimals has at most `s` decimals; it is
    /// rounded back to that decimal when the floating-point error of the additions is provably far
    /// below half a unit of it, as ``summarise(_:)`` does for readings, so it compresses and stays exact.
    public static func periods(_ minutes: some Collection<MinuteStats>, widthMs: Int64) -> [MinuteStats] {
        var result: [MinuteStats] = []
        var group: [MinuteStats] = []
        var current: Int64?
        func flush() {
            guard let start = current, !group.isEmpty else { return }
            var stats = MinuteStats(minute: start)
            for column in ChunkColumn.allCases { stats[column] = combine(group, column) }
            result.append(stats)
            group.removeAll(keepingCapacity: true)
        }
        for m in minutes {
            let p = periodStart(m.minute, widthMs: widthMs)
            if p != current {
                flush()
                current = p
            }
            group.append(m)
        }
        flush()
        return result
    }

    private static func combine(_ group: [MinuteStats], _ column: ChunkColumn) -> QuantityStats? {
        var stats: QuantityStats?
        var scale = 0
        var exact = true
        var magnitude = 0.0
        var parts = 0
        for m in group {
            guard let s = m[column] else { continue }
            if exact, let decimal = DecimalScale.minimal(s.sum) { scale = Swift.max(scale, decimal.scale) } else { exact = false }
            magnitude += abs(s.sum)
            parts += 1
            stats = stats.map { $0.combined(with: s) } ?? s
        }
        guard var s = stats, exact, parts > 1 else { return stats }
        let errorBound = Double(parts) * Double.ulpOfOne * magnitude
        if errorBound * DecimalScale.powers[scale] < 0.01, abs(s.sum) * DecimalScale.powers[scale] < 0x1p52 {
            s.sum = DecimalScale.value(DecimalScale.nearestInteger(s.sum * DecimalScale.powers[scale]), scale: scale)
        }
        return s
    }
}
