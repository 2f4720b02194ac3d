import HopChunks

/// One series-block ready to be written by a store backend: the head's fresh readings merged into
/// the block's existing chunk, encoded, with its per-minute statistics. Pure; each backend writes
/// the result in its compaction transaction.
public struct CompactedBlock: Sendable {
    public var firstTs: Int64
    public var lastTs: Int64
    public var points: Int
    /// The chunk, in the chunk format.
    public var data: [UInt8]
    /// The block's minute statistics, in the minute statistics format.
    public var minuteStats: [UInt8]
    public var minutes: Int
    public var lastMinute: Int64

    /// Merges `fresh` into `existing` (the later write of a source time wins) and encodes both the
    /// chunk and its statistics. Nil when there is nothing to write or the block cannot be written
    /// (too many readings for a chunk, statistics that cannot be encoded); the reason is added to
    /// `report.skipped` and the readings stay in the head.
    public static func prepare(
        existing: [ChunkPoint], fresh: [ChunkPoint], substation: String, feeder: String, block: Int64,
        into report: inout CompactionReport
    ) throws -> CompactedBlock? {
        guard !fresh.isEmpty else { return nil }
        let merged = ChunkPoints.merge(existing, fresh)
        guard merged.count <= ChunkFormat.maxPoints else {
            report.skipped.append("\(substation)/\(feeder) at block \(block): \(merged.count) readings exceed a chunk's \(ChunkFormat.maxPoints)")
            return nil
        }
        let data = try ChunkEncoder.encode(merged)
        let stats = MinuteStats.summarise(merged)
        let encodedStats: [UInt8]
        do {
            encodedStats = try MinuteStatsCodec.encode(stats)
        } catch {
            report.skipped.append("\(substation)/\(feeder) at block \(block): minute statistics: \(error)")
            return nil
        }
        return CompactedBlock(
            firstTs: merged.first!.ts, lastTs: merged.last!.ts, points: merged.count, data: data, minuteStats: encodedStats,
            minutes: stats.count, lastMinute: stats[stats.count - 1].minute)
    }
}
