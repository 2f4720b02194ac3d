import HopProtocol
import Testing

@testable import HopHubCore

/// `alarms.*` keys: defaults, overrides (file and environment), and refusals naming key and origin.
@Suite struct AlarmConfigurationTests {
    func load(_ pairs: [String: String], environment: [String: String] = [:]) throws -> HubConfiguration {
        var values = ConfigValues()
        values.set("data_dir", "/tmp/x", origin: "test")
        for (k, v) in pairs { values.set(k, v, origin: "hub.yaml:12") }
        values.merge(environment: environment, prefix: HubConfiguration.environmentPrefix, knownKeys: HubConfiguration.keys)
        return try HubConfiguration(values: values)
    }

    @Test func defaultsAndOverrides() throws {
        let defaults = try load([:]).alarms
        #expect(defaults == AlarmSettings())
        #expect(defaults.priority(of: .feederTrip) == .high && defaults.priority(of: .frequencyExcursion) == .critical)
        #expect(defaults.priority(of: AlarmType("SOMETHING_NEW")) == .medium)
        #expect(defaults.maxShelveSeconds == 28_800 && defaults.silenceSeconds == 300)
        let set = try load(
            ["alarms.priority.COMM_FAIL": "Critical", "alarms.max_shelve_s": "3600", "alarms.silence_s": "0"],
            environment: ["HOP_HUB_ALARMS_PRIORITY_ANOMALY": "low"]
        ).alarms
        #expect(set.priority(of: .commFail) == .critical && set.priority(of: .anomaly) == .low)
        #expect(set.maxShelveSeconds == 3600 && set.silenceSeconds == 0)
    }

    @Test(arguments: [
        ("alarms.priority.FEEDER_TRIP", "urgent", "not one of critical, high, medium, low"),
        ("alarms.max_shelve_s", "10", "outside 60…604800"),
        ("alarms.silence_s", "-1", "outside 0…604800"),
        ("alarms.enabled", "maybe", "not true or false"),
        ("alarms.priority.FEEDER_TRIPP", "high", "unknown"),
    ])
    func badValuesNameKeyAndOrigin(key: String, value: String, problem: String) {
        do {
            _ = try load([key: value])
            Issue.record("\(key)=\(value) was accepted")
        } catch let error as ConfigError {
            #expect(error.key == key && "\(error)".contains(problem), "\(error)")
            #expect(error.origin == "hub.yaml:12")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
