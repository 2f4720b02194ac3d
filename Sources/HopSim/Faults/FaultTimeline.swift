/// Every fault the run has seen, as time intervals in epoch milliseconds.
///
/// Keeping history (not just "current state") makes the ground truth a pure function of time:
/// `truth SUB001 at T` answers for any past T, and breaker transitions can be reported with their
/// exact source time. Intervals are half-open, `[start, end)`; `end == nil` means "until further
/// notice". The timeline is a value type; `SimulationState` guards the one live copy.
public struct FaultTimeline: Sendable, Hashable {
    /// A half-open interval `[start, end)` in epoch milliseconds.
    public struct Interval: Sendable, Hashable {
        public var start: Int64
        public var end: Int64?
        public func contains(_ t: Int64) -> Bool { t >= start && (end.map { t < $0 } ?? true) }
    }

    /// A frequency excursion: a trapezoid of height `offsetHz` (ramps of up to 2 s).
    public struct Excursion: Sendable, Hashable {
        /// `nil`: the whole interconnection (every substation).
        public var substation: Int?
        public var start: Int64
        public var durationMs: Int64
        public var offsetHz: Double
    }

    /// Reads touching `registers` of `substation` are answered with Modbus exception `code`.
    public struct RegisterFault: Sendable, Hashable {
        public var substation: Int
        public var registers: ClosedRange<Int>
        public var code: UInt32
        public var interval: Interval
    }

    /// A breaker that opened or closed, for event reporting.
    public struct BreakerTransition: Sendable, Hashable {
        public var substation: Int
        public var feeder: Int
        public var at: Int64
        public var closed: Bool
        /// When the breaker opened: `at` for an opening, the trip's instant for a closing. It
        /// names the outage the transition starts or ends.
        public var openedAt: Int64
    }

    struct FeederKey: Hashable, Sendable {
        var substation: Int
        var feeder: Int
    }

    var breakerOpen: [FeederKey: [Interval]] = [:]
    var silent: [Int: [Interval]] = [:]
    var excursions: [Excursion] = []
    var registerFaults: [RegisterFault] = []

    public init() {}

    // MARK: - Queries

    /// Whether the feeder's breaker is closed at `t`.
    public func isBreakerClosed(substation: Int, feeder: Int, at t: Int64) -> Bool {
        !(breakerOpen[FeederKey(substation: substation, feeder: feeder)] ?? []).contains { $0.contains(t) }
    }

    /// Whether the substation's RTU ignores requests at `t`.
    public func isSilent(substation: Int, at t: Int64) -> Bool {
        (silent[substation] ?? []).contains { $0.contains(t) }
    }

    /// The sum of scripted frequency offsets acting on the substation at `t`, in Hz.
    public func frequencyOffset(substation: Int, at t: Int64) -> Double {
        excursions.reduce(0) { sum, e in
            guard e.substation == nil || e.substation == substation else { return sum }
            return sum + Self.trapezoid(height: e.offsetHz, start: e.start, durationMs: e.durationMs, at: t)
        }
    }

    /// The exception code for a read of `registers` on the substation at `t`, if one is scripted.
    public func registerException(substation: Int, registers: ClosedRange<Int>, at t: Int64) -> UInt32? {
        registerFaults.last {
            $0.substation == substation && $0.registers.overlaps(registers) && $0.interval.contains(t)
        }?.code
    }

    /// When the breaker that opened at `openedAt` closes (again), if that is known yet.
    public func reclose(substation: Int, feeder: Int, openedAt: Int64) -> Int64? {
        breakerOpen[FeederKey(substation: substation, feeder: feeder)]?.first { $0.start == openedAt }?.end
    }

    /// Breaker transitions with `from < at <= to`, in time order.
    public func breakerTransitions(after from: Int64, upTo to: Int64) -> [BreakerTransition] {
        var out: [BreakerTransition] = []
        for (key, intervals) in breakerOpen {
            for i in intervals {
                if i.start > from, i.start <= to {
                    out.append(
                        .init(substation: key.substation, feeder: key.feeder, at: i.start, closed: false, openedAt: i.start))
                }
                if let end = i.end, end > from, end <= to {
                    out.append(
                        .init(substation: key.substation, feeder: key.feeder, at: end, closed: true, openedAt: i.start))
                }
            }
        }
        return out.sorted { ($0.at, $0.substation, $0.feeder) < ($1.at, $1.substation, $1.feeder) }
    }

    /// A trapezoid pulse: 0 outside `[start, start + duration)`, `height` on the plateau, with
    /// linear ramps of `min(2 s, duration / 4)` at both ends.
    public static func trapezoid(height: Double, start: Int64, durationMs: Int64, at t: Int64) -> Double {
        guard durationMs > 0, t >= start, t < start + durationMs else { return 0 }
        let ramp = Double(max(min(2_000, durationMs / 4), 1))
        let rise = Double(t - start) / ramp
        let fall = Double(start + durationMs - t) / ramp
        return height * min(1, rise, fall)
    }
}
