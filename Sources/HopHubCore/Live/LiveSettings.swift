/// Tuning of the live feed behind `GET /api/stream` (`live.*` keys; docs/live.md).
public struct LiveSettings: Sendable, Hashable {
    /// Messages queued per stream before the stream is declared too slow: its queue is dropped and
    /// replaced by one `resync` event (the writer never waits for a client).
    public var bufferMessages = 1024
    /// Recent messages kept for replay to a reconnecting client presenting `Last-Event-ID`.
    public var historyMessages = 2048
    /// Open streams allowed at once; more are refused with 503 + Retry-After.
    public var maxStreams = 1000
    /// Open streams allowed per caller (one portal user, or one API key), so one reader cannot take
    /// the whole `maxStreams` pool; more are refused with 429 + Retry-After.
    public var maxStreamsPerCaller = 8
    /// Seconds between heartbeat comments on an idle stream.
    public var heartbeatSeconds = 15
    /// At most one `reading` per substation+feeder per this many milliseconds (the newest wins).
    public var coalesceMilliseconds = 250
    /// The `retry:` hint sent to EventSource clients, milliseconds.
    public var retryMilliseconds = 2000

    public init() {}
}
