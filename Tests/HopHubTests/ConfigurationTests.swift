import Foundation
import GRDB
import HTTPTypes
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

@Suite struct ConfigurationTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hub-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func fileEnvironmentAndFlagsLayer() throws {
        let path = try file("data_dir: /tmp/a\nlisten: 127.0.0.1:9000\nretention:\n  raw_days: 10\n")
        var values = ConfigValues()
        try values.merge(yamlFile: path)
        values.merge(environment: ["HOP_HUB_RETENTION_RAW_DAYS": "20", "HOP_HUB_LISTEN": "0.0.0.0:9100"], prefix: "HOP_HUB_", knownKeys: HubConfiguration.keys)
        values.set("listen", "127.0.0.1:9200", origin: "flag --listen")
        let config = try HubConfiguration(values: values)
        #expect(config.dataDirectory == "/tmp/a")
        #expect(config.rawRetentionDays == 20)
        #expect(config.port == 9200)
    }

    @Test(arguments: [
        ("data_dir: /tmp/a\nretention:\n  raw_dayz: 3\n", "retention.raw_dayz", "unknown key", 3),
        ("data_dir: /tmp/a\nlisten: localhost\n", "listen", "HOST:PORT", 2),
        ("data_dir: /tmp/a\nwriter:\n  max_pending_records: lots\n", "writer.max_pending_records", "not an integer", 3),
        ("data_dir: /tmp/a\nfrequency:\n  band_low_hz: 61\n", "frequency.band_low_hz", "below", 0),
        ("listen: 127.0.0.1:1\n", "data_dir", "required", 0),
    ])
    func badLinesNameFileKeyAndProblem(yaml: String, key: String, problem: String, line: Int) throws {
        let path = try file(yaml)
        var values = ConfigValues()
        try values.merge(yamlFile: path)
        do {
            _ = try HubConfiguration(values: values)
            Issue.record("expected an error")
        } catch {
            #expect(error.key == key)
            #expect(error.problem.contains(problem), "\(error)")
            if line > 0 { #expect(error.origin == "\(path):\(line)", "\(error)") }
        }
    }

    @Test func invalidYAMLNamesTheFile() throws {
        let path = try file("data_dir: [unclosed\n")
        var values = ConfigValues()
        #expect(throws: ConfigError.self) { try values.merge(yamlFile: path) }
    }
}
