import Foundation
import Testing

@testable import HopEdge

/// Loads an edge config with one device (`transport`: its protocol lines), the given hub URL and
/// API key file content, from a temporary directory.
func loadOneDeviceConfig(
    hubURL: String = "https://hub.example.net", key: String = "key\n", transport: [String]
) throws -> EdgeConfig {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try key.write(toFile: dir.path + "/key", atomically: true, encoding: .utf8)
    let yaml = """
        edge_id: edge-test
        hub: {url: "\(hubURL)", api_key_file: key}
        journal: {path: j.sqlite}
        devices:
          - name: rtu
            \(transport.joined(separator: "\n    "))
            substation_id: SUB001
            feeders:
              - feeder_id: FDR001
                points: {voltage_kv: {function: input, address: 0}}
        """
    try yaml.write(toFile: dir.path + "/edge.yaml", atomically: true, encoding: .utf8)
    return try ConfigLoader().load(path: dir.path + "/edge.yaml")
}

/// Plain http to a remote hub loads with a warning (the API key travels unencrypted).
@Suite struct HubURLWarningTests {
    func load(url: String, key: String = "key\n") throws -> EdgeConfig {
        try loadOneDeviceConfig(hubURL: url, key: key, transport: ["protocol: modbus-tcp", "host: 10.0.0.1"])
    }

    @Test func remotePlainHTTPWarns() throws {
        let config = try load(url: "http://hub.example.net")
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.keyPath == "hub.url")
        #expect(config.warnings.first?.line == 2)
        #expect(config.warnings.first?.message.contains("unencrypted") == true)
    }

    @Test(arguments: ["https://hub.example.net", "http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"])
    func loopbackOrTLSDoesNot(_ url: String) throws {
        #expect(try load(url: url).warnings.isEmpty)
    }

    @Test func aCRLFKeyIsTrimmedToTheToken() throws {
        #expect(try load(url: "https://hub.example.net", key: "hop_abc\r\n").hub.apiKey == "hop_abc")
        #expect(try load(url: "https://hub.example.net", key: "hop_abc").hub.apiKey == "hop_abc")
    }
}

/// A serial device that is not there (yet) loads with a warning naming the device.
@Suite struct SerialDeviceWarningTests {
    func load(serial: String) throws -> EdgeConfig {
        try loadOneDeviceConfig(transport: ["protocol: modbus-rtu", "serial: {device: \(serial)}"])
    }

    @Test func aMissingOrNonCharacterDeviceWarns() throws {
        let missing = try load(serial: "/dev/ttyUSB-hop-missing")
        #expect(missing.warnings.count == 1)
        #expect(missing.warnings.first?.keyPath == "devices[0]")
        #expect(missing.warnings.first?.message.contains("/dev/ttyUSB-hop-missing does not exist") == true)
        #expect(try load(serial: "/etc/hostname").warnings.first?.message.contains("is not a character device") == true)
        #expect(try load(serial: "/dev/null").warnings.isEmpty)  // a character device
    }
}

@Suite struct HostNameTests {
    @Test(arguments: ["10.0.0.1", "::1", "fe80::1%eth0", "rtu-7.plant.example", "rtu_7", "sub001_rtu.local", "localhost"])
    func accepted(_ host: String) { #expect(HostName.isValid(host), "\(host)") }

    @Test(arguments: ["not a host!", "999.1.1.1", "-rtu", "rtu-", "fe80::1%", "a..b", ""])
    func refused(_ host: String) { #expect(!HostName.isValid(host), "\(host)") }
}
