import Foundation

/// Where the simulator gets "now" from: the system clock in production, a fixed or stepped clock
/// in tests.
public protocol SimClock: Sendable {
    /// The current instant, epoch milliseconds.
    func nowMs() -> Int64
}

/// The system wall clock.
public struct SystemClock: SimClock {
    public init() {}
    public func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
