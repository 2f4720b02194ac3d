/// Exponential backoff with jitter: the n-th delay is drawn from [d/2, d] where
/// d = min(initial × 2ⁿ, maximum).
public struct Backoff: Sendable {
    public let initial: Duration
    public let maximum: Duration
    public private(set) var failures = 0

    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next attempt; counts one more failure.
    public mutating func next<R: RandomNumberGenerator>(using random: inout R) -> Duration {
        let ceiling = self.ceiling
        failures += 1
        let ms = max(ceiling.milliseconds, 1)
        return .milliseconds(Int64.random(in: (ms / 2)...ms, using: &random))
    }

    /// The delay before the next attempt, with the system random generator.
    public mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return next(using: &generator)
    }

    /// The upper bound of the next delay.
    public var ceiling: Duration {
        let factor = Int64(1) << Int64(min(failures, 30))
        let ms = initial.milliseconds.multipliedReportingOverflow(by: factor)
        return ms.overflow ? maximum : min(.milliseconds(ms.partialValue), maximum)
    }

    public mutating func reset() { failures = 0 }
}
