/// Why an upload attempt failed, as far as the wait before the next one is concerned.
public enum RetryReason: Sendable, Hashable {
    /// Nothing answered: connection refused or reset, a timeout, or a proxy's 502/503/504 without
    /// `Retry-After` (nginx in front of a stopped hub). The hub is probably restarting.
    case unreachable
    /// Something answered but the batch was not taken: 500, 408, a 429 without `Retry-After`, a
    /// 2xx without the hub's receipt, or a local journal error.
    case failed
    /// The hub said when to come back (`Retry-After`, e.g. its writer is saturated).
    case retryAfter(Duration)
}

/// When the uploader tries again, shaped for many edges sharing one hub.
///
/// - Capped exponential backoff with **full jitter** (a delay drawn from [0, ceiling]): edges
///   that lost the hub together spread their retries evenly instead of returning in waves.
/// - While the hub is **unreachable** the ceiling stops at `reconnectCap` (4 s by default, at most
///   `backoff_max`), however long the outage: a hub back from a restart sees each edge again within
///   that window, so data buffered during an outage, a trip among it, arrives seconds after the hub
///   answers. The retries that cost this are cheap: a refused connection, or a `GET /api/health`
///   probe (`needsProbe`) instead of the batch, so a recovering hub and a slow substation link
///   never carry whole batches that cannot be taken.
/// - When the hub **answers but fails** the ceiling grows to `backoff_max` (60 s by default): a
///   hub that is up and refusing should not be pressed.
/// - **`Retry-After`** is a floor: the delay is that plus a random extra of up to
///   min(Retry-After, `reconnectCap`), so a fleet told "1 s" together does not return together.
public struct RetryPolicy: Sendable {
    /// The default ceiling of retries while the hub is unreachable.
    public static let defaultReconnectCap: Duration = .seconds(4)

    private var backoff: Backoff
    /// Ceiling of the delay while the hub is unreachable.
    public let reconnectCap: Duration
    /// The last attempt found the hub unreachable: before sending a batch again, ask the hub
    /// whether it answers (a probe of a few hundred bytes).
    public private(set) var needsProbe = false

    public init(initial: Duration, maximum: Duration, reconnectCap: Duration = RetryPolicy.defaultReconnectCap) {
        backoff = Backoff(initial: initial, maximum: maximum, jitter: .full)
        self.reconnectCap = min(reconnectCap, maximum)
    }

    /// Consecutive failures so far.
    public var failures: Int { backoff.failures }

    /// The wait after a failure for `reason`; counts the failure.
    public mutating func delay<R: RandomNumberGenerator>(after reason: RetryReason, using random: inout R) -> Duration {
        needsProbe = reason == .unreachable
        switch reason {
        case .unreachable:
            return backoff.next(cappedAt: reconnectCap, using: &random)
        case .failed:
            return backoff.next(using: &random)
        case .retryAfter(let floor):
            _ = backoff.next(using: &random)
            let extra = max(min(floor, reconnectCap).milliseconds, 0)
            return floor + .milliseconds(Int64.random(in: 0...extra, using: &random))
        }
    }

    /// The wait after a failure for `reason`, with the system random generator.
    public mutating func delay(after reason: RetryReason) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(after: reason, using: &generator)
    }

    /// The hub answered a probe: send the batch now, without waiting.
    public mutating func hubAnswered() { needsProbe = false }

    /// A batch was taken (or quarantined): the next failure starts from `initial` again.
    public mutating func succeeded() {
        backoff.reset()
        needsProbe = false
    }
}
