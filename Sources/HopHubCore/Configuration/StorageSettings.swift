/// How raw telemetry is kept (`storage.*`): recent readings as rows (the head), older ones in
/// compressed chunks (docs/hub-storage.md, docs/chunk-format.md).
public struct StorageSettings: Sendable, Hashable {
    /// Readings younger than this stay raw rows; older ones are compacted into chunks, seconds.
    /// Readings that arrive later than this (an edge's backlog) are merged into their chunk.
    public var headSeconds = 120
    /// The block still being written is compacted only once its oldest head reading is this much
    /// older than the head window, seconds (0: on every pass).
    public var openBlockDelaySeconds = Int(TelemetryChunking.openBlockDelayMs / 1000)
    /// How often the head is compacted, seconds.
    public var compactionIntervalSeconds = 5
    /// Series-blocks compacted per transaction, at least: a pass ends at a substation's block
    /// boundary once it has this many. Ingest waits for at most one pass: a backlog's pass of one
    /// 4-feeder substation-block at 1 Hz (28,800 readings) holds the writer about 0.1 s.
    public var chunksPerTransaction = 4

    public init() {}
}
