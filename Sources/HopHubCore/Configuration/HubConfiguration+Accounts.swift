import Foundation

/// Reading the account, session and login settings (`accounts.*`, `sessions.*`, `login.*`, `http.*`).
extension HubConfiguration {
    /// File keys of this part; also `HOP_HUB_<KEY>` environment variables.
    public static let accountKeys: [String] = [
        "accounts.bcrypt_cost", "sessions.idle_timeout_s", "sessions.absolute_timeout_s",
        "login.max_failures", "login.max_failures_per_address", "login.failure_window_s", "login.lockout_s",
        "http.trusted_proxies",
    ]

    mutating func loadAccounts(_ values: ConfigValues) throws(ConfigError) {
        accounts.bcryptCost = try values.int("accounts.bcrypt_cost", in: 4...31) ?? accounts.bcryptCost
        accounts.idleTimeoutSeconds =
            try values.int("sessions.idle_timeout_s", in: 60...604_800) ?? accounts.idleTimeoutSeconds
        accounts.absoluteTimeoutSeconds =
            try values.int("sessions.absolute_timeout_s", in: 60...2_592_000) ?? accounts.absoluteTimeoutSeconds
        guard accounts.idleTimeoutSeconds <= accounts.absoluteTimeoutSeconds else {
            throw ConfigError(
                origin: values.origin("sessions.idle_timeout_s"), key: "sessions.idle_timeout_s",
                problem: "must not exceed sessions.absolute_timeout_s (\(accounts.absoluteTimeoutSeconds))")
        }
        accounts.maxFailures = try values.int("login.max_failures", in: 1...1000) ?? accounts.maxFailures
        accounts.maxFailuresPerAddress =
            try values.int("login.max_failures_per_address", in: 1...100_000) ?? accounts.maxFailuresPerAddress
        accounts.failureWindowSeconds =
            try values.int("login.failure_window_s", in: 1...86_400) ?? accounts.failureWindowSeconds
        accounts.lockoutSeconds = try values.int("login.lockout_s", in: 1...86_400) ?? accounts.lockoutSeconds
        if let list = values.string("http.trusted_proxies") {
            var proxies = Set<String>()
            for item in list.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) })
            where !item.isEmpty {
                guard Self.looksLikeIP(item) else {
                    throw ConfigError(
                        origin: values.origin("http.trusted_proxies"), key: "http.trusted_proxies",
                        problem: "'\(item)' is not an IPv4 or IPv6 address (list exact peer addresses, no names or ranges)")
                }
                proxies.insert(item)
            }
            accounts.trustedProxies = proxies
        }
    }

    private static func looksLikeIP(_ text: String) -> Bool {
        let v4 = text.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, v4.allSatisfy({ UInt8($0) != nil }) { return true }
        return text.contains(":") && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
