import Foundation
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `portal.*` and `live.*` keys: read from file and environment, refused with file, key and problem.
@Suite struct LiveConfigurationTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func keysAreReadFromFileAndEnvironment() throws {
        let path = try file("data_dir: /tmp/a\nportal:\n  stale_after_s: 90\n  tile_url: \"\"\nlive:\n  buffer_messages: 4096\n")
        var values = ConfigValues()
        try values.merge(yamlFile: path)
        values.merge(
            environment: ["HOP_HUB_LIVE_HEARTBEAT_S": "5", "HOP_HUB_LIVE_MAX_STREAMS_PER_CALLER": "3"], prefix: "HOP_HUB_",
            knownKeys: HubConfiguration.keys)
        let config = try HubConfiguration(values: values)
        #expect(config.portal.staleAfterSeconds == 90)
        #expect(config.portal.tileURL == "")
        #expect(config.portal.live.bufferMessages == 4096)
        #expect(config.portal.live.heartbeatSeconds == 5)
        #expect(config.portal.live.coalesceMilliseconds == 250)
        #expect(config.portal.live.maxStreamsPerCaller == 3)
        #expect(LiveSettings().maxStreamsPerCaller == 8)
    }

    @Test(arguments: [
        ("data_dir: /tmp/a\nlive:\n  buffer_messages: 2\n", "live.buffer_messages", "outside 16", 3),
        ("data_dir: /tmp/a\nlive:\n  heartbeat_s: often\n", "live.heartbeat_s", "not an integer", 3),
        ("data_dir: /tmp/a\nportal:\n  stale_after_s: 0\n", "portal.stale_after_s", "outside 5", 3),
        ("data_dir: /tmp/a\nportal:\n  tile_url: ftp://tiles\n", "portal.tile_url", "not an http(s) URL", 3),
        ("data_dir: /tmp/a\nportal:\n  layer_max_bytes: 10\n", "portal.layer_max_bytes", "outside 1024", 3),
        ("data_dir: /tmp/a\nlive:\n  max_streams_per_caller: 0\n", "live.max_streams_per_caller", "outside 1", 3),
    ])
    func badValuesNameFileKeyAndProblem(yaml: String, key: String, problem: String, line: Int) throws {
        let path = try file(yaml)
        var values = ConfigValues()
        try values.merge(yamlFile: path)
        do {
            _ = try HubConfiguration(values: values)
            Issue.record("expected an error for \(key)")
        } catch {
            #expect(error.key == key)
            #expect(error.problem.contains(problem), "\(error)")
            #expect(error.origin == "\(path):\(line)", "\(error)")
        }
    }
}
