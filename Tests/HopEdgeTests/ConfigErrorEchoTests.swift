import Testing

@testable import HopEdge

/// Values quoted in config errors are cut so a runaway value cannot flood stderr.
@Suite struct ConfigErrorEchoTests {
    @Test func shortValuesAreEchoedWhole() {
        #expect(ConfigError.echo("edge-1") == "edge-1")
        #expect(ConfigError.echo(String(repeating: "x", count: 80)) == String(repeating: "x", count: 80))
    }

    @Test func longValuesAreCutWithTheirLength() {
        let echoed = ConfigError.echo(String(repeating: "x", count: 1_000_000))
        #expect(echoed == String(repeating: "x", count: 80) + "… (1000000 characters)")
    }
}
