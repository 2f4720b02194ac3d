import HopProtocol

/// Counts for the alarm banner (`GET /api/alarms/summary`).
public struct AlarmSummary: Codable, Sendable, Hashable {
    /// Unacknowledged alarms (active or returned) by priority: every priority is present.
    public var unacknowledged: [String: Int]
    /// Open alarms by state (cleared excluded).
    public var states: [String: Int]

    public init(open: [Alarm]) {
        var unacked = Dictionary(uniqueKeysWithValues: AlarmPriority.allCases.map { ($0.rawValue, 0) })
        var states = Dictionary(uniqueKeysWithValues: AlarmState.allCases.filter { $0 != .cleared }.map { ($0.rawValue, 0) })
        for a in open where a.state != .cleared {
            states[a.state.rawValue, default: 0] += 1
            if a.state == .unacknowledgedActive || a.state == .returnedUnacknowledged { unacked[a.priority.rawValue, default: 0] += 1 }
        }
        unacknowledged = unacked
        self.states = states
    }
}

extension AlarmEngine {
    /// Open alarms counted for the banner, over `scope`.
    public func summary(scope: SubstationScope) async throws -> AlarmSummary {
        AlarmSummary(open: try await store.alarms(AlarmFilter(scope: scope, limit: 100_000)))
    }

    /// The KPIs over `scope` for the last `windowHours`.
    public func kpis(scope: SubstationScope, windowHours: Int = 24) async throws -> AlarmKPIs {
        let t = now()
        let since = t - Int64(windowHours) * 3_600_000
        async let raises = store.alarmRaises(since: since, scope: scope)
        async let open = store.alarms(AlarmFilter(scope: scope, limit: 100_000))
        async let acks = store.acknowledgements(since: since, scope: scope)
        return AlarmKPIs.compute(
            now: t, windowHours: windowHours, raises: try await raises, open: try await open, acknowledgements: try await acks)
    }
}
