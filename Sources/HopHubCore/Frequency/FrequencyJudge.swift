import HopProtocol

/// Judges each substation's frequency the way a grid operator does: an excursion alarms only
/// after staying outside the alarm limits for the persistence, the UFLS warning when frequency
/// reaches the first load-shedding level, and RoCoF (Hz/s, from consecutive readings) when it
/// stays above its limit. Pure: fed committed readings, it returns condition transitions.
///
/// A substation's frequency at an instant is the average of its feeders' readings with that
/// source time in one batch; readings without frequency are skipped, and a reading not newer
/// than the substation's last judged one (a duplicate, a late feeder, out of order) is ignored.
public struct FrequencyJudge: Sendable {
    public let settings: FrequencySettings
    private var substations: [SubstationID: SubstationState] = [:]

    struct SubstationState: Sendable {
        var lastTs: Int64 = .min
        var lastHz = 0.0
        var hasLast = false
        var excursion = ConditionTracker()
        var ufls = ConditionTracker()
        var rocof = ConditionTracker()
        /// RoCoF of the newest interval, Hz/s (nil after a gap or before two readings).
        var latestRoCoF: Double?
    }

    public init(settings: FrequencySettings) {
        self.settings = settings
    }

    /// Judges a batch of committed readings; transitions come per substation in time order.
    public mutating func judge(_ readings: [StoredTelemetry]) -> [FrequencyTransition] {
        // Each substation's frequencies in batch order, substations in order of appearance. A
        // batch lists a substation's feeders together, so the previous reading's substation is
        // tried before the dictionary.
        var series: [(substation: SubstationID, samples: [(ts: Int64, hz: Double)])] = []
        var place: [SubstationID: Int] = [:]
        var previous = -1
        for r in readings {
            guard let hz = r.values.frequencyHz, hz.isFinite else { continue }
            let k: Int
            if previous >= 0, series[previous].substation == r.substationID {
                k = previous
            } else if let known = place[r.substationID] {
                k = known
            } else {
                k = series.count
                place[r.substationID] = k
                series.append((r.substationID, []))
            }
            series[k].samples.append((r.ts, hz))
            previous = k
        }
        var transitions: [FrequencyTransition] = []
        for (substation, samples) in series {
            // By time, readings of one time in batch order (their mean sums them in that order).
            let ordered = zip(samples, samples.dropFirst()).allSatisfy { $0.ts <= $1.ts }
                ? samples
                : samples.indices.sorted { (samples[$0].ts, $0) < (samples[$1].ts, $1) }.map { samples[$0] }
            var i = 0
            while i < ordered.count {
                let ts = ordered[i].ts
                var sum = 0.0
                var n = 0
                while i < ordered.count, ordered[i].ts == ts {
                    sum += ordered[i].hz
                    n += 1
                    i += 1
                }
                transitions += observe(substation, ts: ts, hz: sum / Double(n))
            }
        }
        return transitions
    }

    /// Judges one substation's frequency at one source time.
    public mutating func observe(_ substation: SubstationID, ts: Int64, hz: Double) -> [FrequencyTransition] {
        guard hz.isFinite else { return [] }
        var s = substations[substation] ?? SubstationState()
        if s.hasLast, ts <= s.lastTs { return [] }
        let gap = s.hasLast && ts - s.lastTs > settings.maxGapMs
        if gap {
            s.excursion.interrupt()
            s.ufls.interrupt()
            s.rocof.interrupt()
        }
        var out: [FrequencyTransition] = []
        func record(_ change: ConditionTracker.Change?, _ condition: FrequencyCondition, value: Double, limit: Double) {
            guard let c = change else { return }
            out.append(
                FrequencyTransition(
                    substationID: substation, condition: condition, kind: c.kind, direction: c.direction, ts: ts, since: c.since,
                    value: value, extreme: c.extreme, limit: limit))
        }
        // Excursion beyond the alarm limits.
        let low = settings.alarmLowHz, high = settings.alarmHighHz
        let side: FrequencyTransition.Direction? = hz < low ? .low : hz > high ? .high : nil
        let excursion = s.excursion.step(
            at: ts, runStart: ts, beyond: side, value: hz, severity: side == .high ? hz - high : low - hz,
            persistenceMs: settings.persistenceMs)
        record(excursion, .excursionAlarm, value: hz, limit: excursion?.direction == .high ? high : low)
        // UFLS warning level.
        let ufls = s.ufls.step(
            at: ts, runStart: ts, beyond: hz <= settings.uflsWarningHz ? .low : nil, value: hz,
            severity: settings.uflsWarningHz - hz, persistenceMs: settings.uflsPersistenceMs)
        record(ufls, .uflsWarning, value: hz, limit: settings.uflsWarningHz)
        // RoCoF over the interval since the previous reading (none across a gap).
        if s.hasLast, !gap {
            let rocof = (hz - s.lastHz) / (Double(ts - s.lastTs) / 1000)
            s.latestRoCoF = rocof
            let limit = settings.rocofLimitHzPerS
            let change = s.rocof.step(
                at: ts, runStart: s.lastTs, beyond: abs(rocof) > limit ? (rocof < 0 ? .low : .high) : nil, value: rocof,
                severity: abs(rocof), persistenceMs: settings.rocofPersistenceMs)
            record(change, .rocof, value: rocof, limit: limit)
        } else {
            s.latestRoCoF = nil
        }
        s.lastTs = ts
        s.lastHz = hz
        s.hasLast = true
        substations[substation] = s
        return out
    }

    /// Takes up a condition that was active before a restart (its alarm is still open): the first
    /// reading back within the limit ends it, instead of the alarm staying active for ever.
    public mutating func resume(_ condition: ActiveFrequencyCondition) {
        var s = substations[condition.substationID] ?? SubstationState()
        switch condition.condition {
        case .excursionAlarm: s.excursion.resume(since: condition.since, direction: condition.direction, extreme: condition.value)
        case .uflsWarning: s.ufls.resume(since: condition.since, direction: condition.direction, extreme: condition.value)
        case .rocof: s.rocof.resume(since: condition.since, direction: condition.direction, extreme: condition.value)
        }
        substations[condition.substationID] = s
    }

    /// Conditions active now for a substation (for tests and diagnostics).
    public func activeConditions(_ substation: SubstationID) -> Set<FrequencyCondition> {
        guard let s = substations[substation] else { return [] }
        var set: Set<FrequencyCondition> = []
        if s.excursion.active { set.insert(.excursionAlarm) }
        if s.ufls.active { set.insert(.uflsWarning) }
        if s.rocof.active { set.insert(.rocof) }
        return set
    }

    /// RoCoF of the substation's newest interval, Hz/s.
    public func latestRoCoF(_ substation: SubstationID) -> Double? { substations[substation]?.latestRoCoF }
}
