/// Capped exponential backoff with jitter. The ceiling of the n-th delay (n failures so far) is
/// d = min(initial × 2ⁿ, maximum, cap of that call). With `.equal` jitter the delay is drawn from
/// [d/2, d]: never an immediate retry, which suits one client and one device (the poller's
/// reconnects). With `.full` jitter it is drawn from [0, d]: a fleet of clients that failed
/// together spreads its retries evenly over the window instead of arriving in waves, which is what
/// a recovering server needs (the uploader).
public struct Backoff: Sendable {
    /// How a delay is drawn below its ceiling.
    public enum Jitter: Sendable, Hashable {
        /// From [d/2, d].
        case equal
        /// From [0, d].
        case full
    }

    public let initial: Duration
    public let maximum: Duration
    public let jitter: Jitter
    public private(set) var failures = 0

    public init(initial: Duration, maximum: Duration, jitter: Jitter = .equal) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before the next attempt, at most `cap` when given; counts one more failure.
    public mutating func next<R: RandomNumberGenerator>(cappedAt cap: Duration? = nil, using random: inout R) -> Duration {
        let ceiling = cap.map { min(self.ceiling, $0) } ?? self.ceiling
        failures += 1
        let ms = max(ceiling.milliseconds, 1)
        let low = jitter == .equal ? ms / 2 : 0
        return .milliseconds(Int64.random(in: low...ms, using: &random))
    }

    /// The delay before the next attempt, with the system random generator.
    public mutating func next(cappedAt cap: Duration? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return next(cappedAt: cap, using: &generator)
    }

    /// The upper bound of the next delay (before any per-call cap).
    public var ceiling: Duration {
        let factor = Int64(1) << Int64(min(failures, 30))
        let ms = initial.milliseconds.multipliedReportingOverflow(by: factor)
        return ms.overflow ? maximum : min(.milliseconds(ms.partialValue), maximum)
    }

    public mutating func reset() { failures = 0 }
}
