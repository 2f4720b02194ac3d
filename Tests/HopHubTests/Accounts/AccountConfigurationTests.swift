import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `accounts.*`, `sessions.*`, `login.*` and `http.trusted_proxies`: defaults, overrides, and
/// errors naming the key and its origin.
@Suite struct AccountConfigurationTests {
    func load(_ pairs: [String: String]) throws -> HubConfiguration {
        var values = ConfigValues()
        values.set("data_dir", "/tmp/x", origin: "test")
        for (k, v) in pairs { values.set(k, v, origin: "hub.yaml:7") }
        return try HubConfiguration(values: values)
    }

    @Test func defaultsAndOverrides() throws {
        let defaults = try load([:]).accounts
        #expect(defaults == AccountSettings())
        #expect(defaults.bcryptCost == 12 && defaults.idleTimeoutSeconds == 1800 && defaults.absoluteTimeoutSeconds == 43_200)
        #expect(defaults.maxFailures == 5 && defaults.maxFailuresPerAddress == 20 && defaults.trustedProxies.isEmpty)
        let set = try load([
            "accounts.bcrypt_cost": "10", "sessions.idle_timeout_s": "600", "login.lockout_s": "60",
            "http.trusted_proxies": "127.0.0.1, ::1",
        ]).accounts
        #expect(set.bcryptCost == 10 && set.idleTimeoutSeconds == 600 && set.lockoutSeconds == 60)
        #expect(set.trustedProxies == ["127.0.0.1", "::1"])
    }

    @Test(arguments: [
        ("accounts.bcrypt_cost", "3", "outside 4…31"),
        ("sessions.idle_timeout_s", "50000", "must not exceed sessions.absolute_timeout_s"),
        ("login.max_failures", "0", "outside 1…1000"),
        ("http.trusted_proxies", "proxy.example", "not an IPv4 or IPv6 address"),
        ("http.trusted_proxies", "10.0.0.0/8", "not an IPv4 or IPv6 address"),
    ])
    func badValuesNameKeyAndOrigin(key: String, value: String, problem: String) {
        do {
            _ = try load([key: value])
            Issue.record("\(key)=\(value) was accepted")
        } catch let error as ConfigError {
            #expect(error.key == key && error.problem.contains(problem), "\(error)")
            #expect(error.origin == "hub.yaml:7")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
