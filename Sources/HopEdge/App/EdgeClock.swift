import HopProtocol

/// Time as the agent sees it, injected so tests can run retry and poll schedules without waiting.
public protocol EdgeClock: Sendable {
    /// Monotonic time since an arbitrary origin (for schedules and latencies).
    func monotonic() -> Duration
    /// Wall-clock time (for source timestamps).
    func wall() -> SourceTime
    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clocks.
public struct SystemEdgeClock: EdgeClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func monotonic() -> Duration { ContinuousClock.now - origin }
    public func wall() -> SourceTime { SourceTime.now() }
    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(for: duration)
    }
}
