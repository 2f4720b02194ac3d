/// Reading the HTTP server's timeouts and connection cap (`http.*`; `http.trusted_proxies` is read
/// with the account settings) and the raw telemetry head's settings (`storage.*`).
extension HubConfiguration {
    /// File keys of this part; also `HOP_HUB_<KEY>` environment variables.
    public static let httpKeys: [String] = [
        "http.idle_timeout_s", "http.read_timeout_s", "http.max_connections_per_address",
        "storage.head_s", "storage.compaction_interval_s", "storage.open_block_delay_s",
    ]

    mutating func loadHTTP(_ values: ConfigValues) throws(ConfigError) {
        http.idleTimeoutSeconds = try values.int("http.idle_timeout_s", in: 1...3600) ?? http.idleTimeoutSeconds
        http.readTimeoutSeconds = try values.int("http.read_timeout_s", in: 1...3600) ?? http.readTimeoutSeconds
        http.maxConnectionsPerAddress =
            try values.int("http.max_connections_per_address", in: 1...100_000) ?? http.maxConnectionsPerAddress
        storage.headSeconds = try values.int("storage.head_s", in: 10...86_400) ?? storage.headSeconds
        storage.compactionIntervalSeconds =
            try values.int("storage.compaction_interval_s", in: 1...3600) ?? storage.compactionIntervalSeconds
        storage.openBlockDelaySeconds =
            try values.int("storage.open_block_delay_s", in: 0...7200) ?? storage.openBlockDelaySeconds
    }
}
