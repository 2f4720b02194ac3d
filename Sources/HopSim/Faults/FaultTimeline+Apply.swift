/// Recording faults. Each call returns whether it changed anything, so the control interface
/// can answer "already open" instead of silently doing nothing.
extension FaultTimeline {
    /// Opens the breaker at `t`; with `durationMs` it recloses by itself afterwards.
    @discardableResult
    public mutating func trip(substation: Int, feeder: Int, at t: Int64, durationMs: Int64? = nil) -> Bool {
        guard isBreakerClosed(substation: substation, feeder: feeder, at: t) else { return false }
        let key = FeederKey(substation: substation, feeder: feeder)
        breakerOpen[key, default: []].append(Interval(start: t, end: durationMs.map { t + $0 }))
        return true
    }

    /// Closes the breaker at `t`.
    @discardableResult
    public mutating func restore(substation: Int, feeder: Int, at t: Int64) -> Bool {
        let key = FeederKey(substation: substation, feeder: feeder)
        return Self.truncate(&breakerOpen[key, default: []], at: t)
    }

    /// Adds a frequency excursion; `substation == nil` moves the whole interconnection.
    public mutating func excursion(substation: Int?, offsetHz: Double, durationMs: Int64, at t: Int64) {
        excursions.append(Excursion(substation: substation, start: t, durationMs: durationMs, offsetHz: offsetHz))
    }

    /// Makes the RTU ignore requests from `t`, for `durationMs` or until `resume`.
    public mutating func silence(substation: Int, at t: Int64, durationMs: Int64?) {
        Self.truncate(&silent[substation, default: []], at: t)
        silent[substation, default: []].append(Interval(start: t, end: durationMs.map { t + $0 }))
    }

    /// Ends any silence of the RTU at `t`.
    @discardableResult
    public mutating func resume(substation: Int, at t: Int64) -> Bool {
        Self.truncate(&silent[substation, default: []], at: t)
    }

    /// Answers reads touching `registers` with exception `code` from `t`.
    public mutating func registerException(
        substation: Int, registers: ClosedRange<Int>, code: UInt32, at t: Int64, durationMs: Int64?
    ) {
        let interval = Interval(start: t, end: durationMs.map { t + $0 })
        registerFaults.append(RegisterFault(substation: substation, registers: registers, code: code, interval: interval))
    }

    /// Ends every register exception of the substation at `t`.
    @discardableResult
    public mutating func clearExceptions(substation: Int, at t: Int64) -> Bool {
        var changed = false
        for i in registerFaults.indices where registerFaults[i].substation == substation {
            if registerFaults[i].interval.contains(t) {
                registerFaults[i].interval.end = t
                changed = true
            }
        }
        return changed
    }

    /// Ends every interval that contains `t` at `t`; returns whether one did.
    @discardableResult
    static func truncate(_ intervals: inout [Interval], at t: Int64) -> Bool {
        var changed = false
        for i in intervals.indices where intervals[i].contains(t) {
            intervals[i].end = t
            changed = true
        }
        return changed
    }
}
