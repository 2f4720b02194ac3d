import Foundation
import Testing

@testable import HopSim

@Suite struct ScenarioTests {
    let parser = CommandParser(substations: 5, feeders: 4)

    @Test func parsesAndSortsEvents() throws {
        let s = try Scenario.parse(
            """
            events:
              - at: 2m
                do: restore SUB002 FDR003
              - at: 45
                do: trip SUB002 FDR003
              - {at: 0, do: excursion all -0.1 10s}
            """, file: "t.yaml", parser: parser)
        #expect(s.events.map(\.atMs) == [0, 45_000, 120_000])
        #expect(s.events[1].command == .trip(substation: 1, feeder: 2, durationMs: nil))
    }

    @Test func errorsNameFileAndEvent() {
        let cases: [(String, String)] = [
            ("events:\n  - {at: 5, do: trip SUB009 FDR001}\n", "t.yaml events[0].do: unknown substation 'SUB009'"),
            ("events:\n  - {at: 5, do: trip SUB001 FDR001}\n  - {at: soon, do: resume SUB001}\n", "t.yaml events[1].at:"),
            ("events:\n  - {at: -1, do: resume SUB001}\n", "events[0].at: must be ≥ 0"),
            ("events:\n  - {at: 1, do: truth SUB001}\n", "is not a fault command"),
            ("events:\n  - {at: 1}\n", "missing key 'do'"),
        ]
        for (text, fragment) in cases {
            #expect {
                try Scenario.parse(text, file: "t.yaml", parser: parser)
            } throws: { error in
                String(describing: error).contains(fragment)
            }
        }
    }

    @Test func demoScenarioInTheRepositoryIsValid() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let s = try Scenario.load(path: repo.appendingPathComponent("edge-configs/scenarios/demo.yaml").path, parser: parser)
        #expect(s.events.contains { if case .trip = $0.command { true } else { false } })
        #expect(s.events.contains { if case .excursion = $0.command { true } else { false } })
        #expect(s.events.allSatisfy { $0.atMs <= 10 * 60_000 })
    }

    @Test func playerAppliesEventsAtTheirExactInstant() {
        let state = SimulationState(
            sites: SiteCatalog.sites(count: 2), feeders: 2, model: ValueModel(seed: 1), startedMs: 1_000_000)
        let scenario = Scenario(events: [
            .init(atMs: 500, command: .trip(substation: 0, feeder: 1, durationMs: nil), text: "trip SUB001 FDR002")
        ])
        var player = ScenarioPlayer(scenario: scenario, startedMs: 1_000_000)
        #expect(player.play(upTo: 1_000_499, on: state).isEmpty)
        // Played late, but effective at start + at.
        #expect(player.play(upTo: 1_009_000, on: state).count == 1)
        #expect(player.finished)
        #expect(state.faults.isBreakerClosed(substation: 0, feeder: 1, at: 1_000_499))
        #expect(!state.faults.isBreakerClosed(substation: 0, feeder: 1, at: 1_000_500))
    }
}

/// The frequency scenario produces what docs/frequency.md promises with the hub's default
/// settings: a dip shorter than the 30 s persistence, an excursion longer than it, a swing whose
/// RoCoF exceeds 0.1 Hz/s however 5 s polls fall.
@Suite struct FrequencyScenarioTests {
    let parser = CommandParser(substations: 5, feeders: 4)
    let start: Int64 = 1_800_000_000_000

    func played() throws -> SimulationState {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scenario = try Scenario.load(path: repo.appendingPathComponent("edge-configs/scenarios/frequency.yaml").path, parser: parser)
        let state = SimulationState(
            sites: SiteCatalog.sites(count: 5), feeders: 4, model: ValueModel(seed: 7, naturalExcursions: false), startedMs: start)
        var player = ScenarioPlayer(scenario: scenario, startedMs: start)
        _ = player.play(upTo: start + 3_600_000, on: state)
        #expect(player.finished)
        return state
    }

    /// The longest run of 1 s samples below `limit` within `[from, to)` seconds after start, in seconds.
    func longestBelow(_ state: SimulationState, substation: Int, _ limit: Double, from: Int, to: Int) -> Int {
        var longest = 0, run = 0
        for s in from..<to {
            if state.truth(substation: substation, at: start + Int64(s) * 1000).frequencyHz < limit {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        return longest
    }

    @Test func theDipIsShorterAndTheExcursionLongerThanThePersistence() throws {
        let state = try played()
        for sub in 0..<5 {
            let dip = longestBelow(state, substation: sub, 59.85, from: 15, to: 50)
            #expect(dip > 5 && dip < 30, "SUB00\(sub + 1) dip \(dip) s")
            let long = longestBelow(state, substation: sub, 59.85, from: 55, to: 200)
            #expect(long >= 100, "SUB00\(sub + 1) excursion \(long) s")
            #expect(longestBelow(state, substation: sub, 59.5, from: 0, to: 300) == 0, "no UFLS warning")
        }
    }

    @Test func theSwingExceedsTheRoCoFLimitAtAnyPollPhase() throws {
        let state = try played()
        for (stepMs, atLeast) in [(Int64(1000), 0.5), (5000, 0.1)] {
            for phase in stride(from: Int64(0), to: stepMs, by: 500) {
                var peak = 0.0
                var previous: Double?
                var t = start + 230_000 + phase
                while t < start + 275_000 {
                    let f = state.truth(substation: 2, at: t).frequencyHz
                    if let p = previous { peak = max(peak, abs(f - p) / (Double(stepMs) / 1000)) }
                    previous = f
                    t += stepMs
                }
                #expect(peak > atLeast, "step \(stepMs) ms, phase \(phase) ms: peak \(peak) Hz/s")
            }
        }
        // Above 60.15 Hz for less than the 30 s persistence.
        var above = 0
        for s in 230..<275 where state.truth(substation: 2, at: start + Int64(s) * 1000).frequencyHz > 60.15 { above += 1 }
        #expect(above > 10 && above < 30)
    }
}
