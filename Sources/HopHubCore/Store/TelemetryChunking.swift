/// How raw readings are laid out once compacted: one chunk per series per block of `blockMs`,
/// aligned to the epoch. Shared by every store backend (the chunk format is the same everywhere).
public enum TelemetryChunking {
    /// Two hours: the chunk payload costs 2.49 bytes/reading on the reference data (1 h: 2.50,
    /// 6 h: 2.48) and a block decodes in about a millisecond.
    public static let blockMs: Int64 = 2 * 3_600_000

    /// The block still being written (it ends after the compaction cutoff) is compacted only once
    /// its oldest head reading is this much older than the cutoff, so the head holds at most
    /// `storage.head_s` + 10 minutes of a live series and its chunk is rewritten about 12 times
    /// per block rather than on every pass.
    public static let openBlockDelayMs: Int64 = 10 * 60_000

    /// Start of the block holding `ts` (floor division, so negative times align too).
    public static func blockStart(_ ts: Int64) -> Int64 {
        let q = ts / blockMs
        return (ts % blockMs < 0 ? q - 1 : q) * blockMs
    }
}

/// What one compaction pass did.
public struct CompactionReport: Sendable, Hashable {
    /// Chunks written (new or rewritten with late readings merged in).
    public var chunks = 0
    /// Head readings moved into chunks.
    public var readings = 0
    /// Series-blocks left in the head this pass, and why (a corrupt chunk, too many readings).
    public var skipped: [String] = []

    public init(chunks: Int = 0, readings: Int = 0) {
        self.chunks = chunks
        self.readings = readings
    }
}

/// Moves raw readings from the head into compressed chunks.
public protocol TelemetryCompaction: Sendable {
    /// Compacts head readings with a source time before `cutoff`, about `maxChunks` chunks per
    /// transaction so ingest never waits long; late readings of an existing chunk are merged into
    /// it (a reading with the same source time replaces the older one).
    /// The block still being written is compacted only when its oldest head reading is at least
    /// `openBlockDelayMs` before `cutoff`. A block is compacted only once its oldest head reading
    /// (by source time) arrived before `arrivedBefore`: a block an edge is filling with a backlog
    /// is encoded once it has waited that long, not on every pass while it fills.
    func compact(before cutoff: Int64, arrivedBefore: Int64, maxChunks: Int, openBlockDelayMs: Int64) async throws
        -> CompactionReport
    /// Head readings older than `cutoff` (what compaction still has to do), for progress.
    func headReadings(before cutoff: Int64) async throws -> Int
    /// Gives the space compaction freed (the head's emptied pages) back to the file system, once
    /// compaction has caught up; a no-op for a backend that does it by itself.
    func reclaimSpace() async throws
}

extension TelemetryCompaction {
    public func reclaimSpace() async throws {}

    /// `compact` with the default delay for the block still being written, whenever its readings arrived.
    public func compact(before cutoff: Int64, maxChunks: Int) async throws -> CompactionReport {
        try await compact(before: cutoff, maxChunks: maxChunks, openBlockDelayMs: TelemetryChunking.openBlockDelayMs)
    }

    /// `compact` whenever the readings arrived.
    public func compact(before cutoff: Int64, maxChunks: Int, openBlockDelayMs: Int64) async throws -> CompactionReport {
        try await compact(before: cutoff, arrivedBefore: .max, maxChunks: maxChunks, openBlockDelayMs: openBlockDelayMs)
    }
}
