/// Encodes and decodes coarse statistics: one series' statistics per period of `widthMs` (ten
/// minutes in the hub's tier) over one stretch of time (docs/chunk-format.md, "Ten-minute
/// statistics"). The bytes are minute statistics (``MinuteStatsCodec``) whose entries are periods:
/// each entry's start is a multiple of the width, which the decoder checks.
public enum PeriodStatsCodec {
    public static func encode(_ periods: [MinuteStats], widthMs: Int64) throws(ChunkError) -> [UInt8] {
        for (index, p) in periods.enumerated() where MinuteStats.periodStart(p.minute, widthMs: widthMs) != p.minute {
            throw .invalidStatistics(index: index, column: .voltageKV, reason: "period start \(p.minute) is not a multiple of \(widthMs) ms")
        }
        return try MinuteStatsCodec.encode(periods)
    }

    /// Every period with all four quantities.
    public static func decode(_ bytes: [UInt8], widthMs: Int64) throws(ChunkError) -> [MinuteStats] {
        let periods = try MinuteStatsCodec.decode(bytes)
        try checkAligned(periods.lazy.map(\.minute), widthMs: widthMs)
        return periods
    }

    /// The periods with one quantity's statistics (the other quantities are skipped unread).
    public static func decode(_ bytes: [UInt8], only wanted: ChunkColumn, widthMs: Int64) throws(ChunkError) -> [MinuteStats] {
        let (starts, stats) = try MinuteStatsCodec.decode(bytes, only: wanted)
        try checkAligned(starts, widthMs: widthMs)
        var result: [MinuteStats] = []
        result.reserveCapacity(starts.count)
        for i in starts.indices {
            var m = MinuteStats(minute: starts[i])
            m[wanted] = stats[i]
            result.append(m)
        }
        return result
    }

    static func checkAligned(_ starts: some Sequence<Int64>, widthMs: Int64) throws(ChunkError) {
        for (index, start) in starts.enumerated() where MinuteStats.periodStart(start, widthMs: widthMs) != start {
            throw .invalid(at: 0, "period", expected: "period \(index) starting at a multiple of \(widthMs) ms", found: "\(start)")
        }
    }
}

extension PeriodStatsCodec {
    /// The periods with a value of one quantity, column-wise (``MinuteStatsCodec/columns(_:only:)``).
    public static func columns(_ bytes: [UInt8], only wanted: ChunkColumn, widthMs: Int64) throws(ChunkError) -> QuantityColumns {
        let columns = try MinuteStatsCodec.columns(bytes, only: wanted)
        try checkAligned(columns.starts, widthMs: widthMs)
        return columns
    }
}
