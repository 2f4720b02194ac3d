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
