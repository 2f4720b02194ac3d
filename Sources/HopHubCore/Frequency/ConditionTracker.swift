/// One condition's run for one substation, judged on source times only: pending from the first
/// reading beyond the limit, active once the run has lasted the persistence, ended at the first
/// reading back within the limit. A gap in the readings restarts a pending run; an active one
/// stays active until a reading says otherwise.
struct ConditionTracker: Sendable, Hashable {
    private(set) var pendingSince: Int64?
    private(set) var active = false
    private(set) var direction: FrequencyTransition.Direction = .low
    private(set) var extreme = 0.0
    private var extremeSeverity = -Double.infinity

    /// A transition caused by one reading: the run's start, side and most extreme value.
    struct Change: Sendable, Hashable {
        var kind: FrequencyTransition.Kind
        var since: Int64
        var direction: FrequencyTransition.Direction
        var extreme: Double
    }

    /// Feeds one reading. `beyond` is the side of the limit the value is on (nil: within);
    /// `runStart` is when a run beginning with this reading begins; `severity` ranks values of a run
    /// (how far beyond the limit). Returns the transition this reading causes, if any.
    mutating func step(
        at ts: Int64, runStart: Int64, beyond: FrequencyTransition.Direction?, value: Double, severity: Double,
        persistenceMs: Int64
    ) -> Change? {
        guard let beyond else {
            let since = pendingSince
            pendingSince = nil
            guard active else { return nil }
            active = false
            return Change(kind: .ended, since: since ?? ts, direction: direction, extreme: extreme)
        }
        if pendingSince == nil {
            pendingSince = runStart
            direction = beyond
            extremeSeverity = -.infinity
        }
        if severity > extremeSeverity {
            extremeSeverity = severity
            extreme = value
        }
        guard !active, let since = pendingSince, ts - since >= persistenceMs else { return nil }
        active = true
        return Change(kind: .started, since: since, direction: direction, extreme: extreme)
    }

    /// Takes up a run that was active before a restart (its alarm is still open), so the first
    /// reading back within the limit ends it.
    mutating func resume(since: Int64, direction: FrequencyTransition.Direction, extreme: Double) {
        pendingSince = since
        active = true
        self.direction = direction
        self.extreme = extreme
        extremeSeverity = -.infinity
    }

    /// A gap in the readings: a run not yet active cannot be proven to have lasted; it restarts.
    mutating func interrupt() {
        if !active { pendingSince = nil }
    }
}
