import Foundation
import Logging
import Testing

@testable import HopSim

@Suite struct ConfigurationTests {
    @Test func endpoints() throws {
        let e = try Endpoint(parsing: "127.0.0.1:5020", option: "--listen")
        #expect(e.host == "127.0.0.1" && e.port == 5020 && e.isLoopback)
        #expect(!(try Endpoint(parsing: "10.0.0.5:502", option: "--listen")).isLoopback)
        for bad in ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "localhost:502", "1.2.3:502"] {
            #expect(throws: SimError.self) { try Endpoint(parsing: bad, option: "--listen") }
        }
    }

    @Test func validateNamesTheBadOption() {
        let listen = Endpoint(host: "127.0.0.1", port: 5020)
        let cases: [(SimConfiguration, String)] = [
            (SimConfiguration(), "--listen"),
            (SimConfiguration(listen: listen, substations: 0), "--substations"),
            (SimConfiguration(listen: listen, substations: 248), "--substations"),
            (SimConfiguration(listen: listen, feeders: 65), "--feeders"),
            (SimConfiguration(listen: listen, stepMs: 10), "--step"),
            (SimConfiguration(listen: listen, control: Endpoint(host: "0.0.0.0", port: 1)), "--control"),
            (SimConfiguration(postTo: URL(string: "ftp://x")), "--post-to"),
            (SimConfiguration(postTo: URL(string: "http://127.0.0.1:8080")), "--api-key-file"),
        ]
        for (config, option) in cases {
            #expect {
                try config.validate()
            } throws: { error in
                (error as? SimError)?.message.contains(option) ?? false
            }
        }
        #expect(throws: Never.self) { try SimConfiguration(listen: listen).validate() }
    }

    @Test func postKinds() throws {
        #expect(try SimConfiguration.postKinds(parsing: "outages") == [.outages])
        #expect(try SimConfiguration.postKinds(parsing: "telemetry, EVENTS") == [.telemetry, .events])
        #expect(throws: SimError.self) { try SimConfiguration.postKinds(parsing: "telemetry,alarms") }
    }

    @Test func apiKeyFileFirstNonEmptyLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hop-sim-key-\(UInt32.random(in: 0...UInt32.max))")
        try "\n  hop_secret  \nsecond\n".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let config = SimConfiguration(postTo: URL(string: "http://127.0.0.1:8080"), apiKeyFile: path.path)
        #expect(try config.readAPIKey() == "hop_secret")
    }

    @Test func controlResponderAnswersOneLineEach() throws {
        struct Clock: SimClock { func nowMs() -> Int64 { 1_000_000 } }
        let state = SimulationState(sites: SiteCatalog.sites(count: 2), feeders: 2, model: ValueModel(seed: 9), startedMs: 0)
        let responder = ControlResponder(state: state, clock: Clock(), logger: Logger(label: "test"))
        #expect(responder.respond(to: "trip SUB002 FDR001") == "ok tripped SUB002 FDR001")
        #expect(responder.respond(to: "trip SUB002 FDR001") == "ok SUB002 FDR001 already open")
        #expect(responder.respond(to: "nonsense")?.hasPrefix("error unknown command") == true)
        #expect(responder.respond(to: "# comment") == "ok")
        #expect(responder.respond(to: "quit") == nil)
        #expect(responder.respond(to: "help")?.hasSuffix("\nok") == true)
        let truthLine = try #require(responder.respond(to: "truth SUB002"))
        #expect(!truthLine.contains("\n"))
        let truth = try JSONDecoder().decode(SubstationTruth.self, from: Data(truthLine.utf8))
        #expect(truth == state.truth(substation: 1, at: 1_000_000))
        #expect(truth.feeders[0].currentA == 0 && !truth.feeders[0].breakerClosed)
        let status = try #require(responder.respond(to: "status"))
        #expect(status.contains("\"open_breakers\":[\"SUB002 FDR001\"]") && status.contains("\"seed\":9"))
    }
}
