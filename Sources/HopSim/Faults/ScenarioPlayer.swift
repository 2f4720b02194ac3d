/// Plays a scenario against the simulation: each event takes effect at exactly
/// `startedMs + atMs`, however late the loop gets round to it, so the ground truth is exact.
public struct ScenarioPlayer: Sendable {
    public let scenario: Scenario
    public let startedMs: Int64
    private var next = 0

    public init(scenario: Scenario, startedMs: Int64) {
        self.scenario = scenario
        self.startedMs = startedMs
    }

    /// Whether every event has been played.
    public var finished: Bool { next >= scenario.events.count }

    /// The instant of the next event, if any.
    public var nextDueMs: Int64? { finished ? nil : startedMs + scenario.events[next].atMs }

    /// Applies every event due by `now`; returns them with their answers, for logging.
    public mutating func play(upTo now: Int64, on state: SimulationState) -> [(Scenario.Event, String)] {
        var played: [(Scenario.Event, String)] = []
        while let due = nextDueMs, due <= now {
            let event = scenario.events[next]
            played.append((event, state.apply(event.command, at: due)))
            next += 1
        }
        return played
    }
}
