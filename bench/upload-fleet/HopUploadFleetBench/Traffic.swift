import NIOConcurrencyHelpers

/// Every request of the bench with its time, by kind: what the fleet attempted (refused
/// connections included) and what the hub answered.
final class Traffic: Sendable {
    enum Kind: Int, CaseIterable, Sendable {
        case clientProbe, clientPost, hubProbe, hubAccepted, hubRefused
    }

    private let start = ContinuousClock.now
    private let times = NIOLockedValueBox<[[Double]]>(Array(repeating: [], count: Kind.allCases.count))

    func count(_ kind: Kind) {
        let now = now()
        times.withLockedValue { $0[kind.rawValue].append(now) }
    }

    /// Seconds since the bench started.
    func now() -> Double { (ContinuousClock.now - start).seconds }

    /// How many requests of `kinds` were made in [from, to).
    func count(_ kinds: [Traffic.Kind], from: Double, to: Double) -> Int {
        times.withLockedValue { all in kinds.reduce(0) { sum, kind in sum + all[kind.rawValue].count { $0 >= from && $0 < to } } }
    }

    /// Requests of `kinds` in each whole second of [from, to).
    func perSecond(_ kinds: [Traffic.Kind], from: Double, to: Double) -> [Int] {
        (0..<max(0, Int(to - from))).map { count(kinds, from: from + Double($0), to: from + Double($0 + 1)) }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
