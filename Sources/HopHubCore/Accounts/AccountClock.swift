import HopProtocol

/// Where account code reads the time (ms since the epoch); tests inject one they can advance.
public struct AccountClock: Sendable {
    public var now: @Sendable () -> Int64

    public init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    public static let system = AccountClock { SourceTime.now().epochMilliseconds }
}
