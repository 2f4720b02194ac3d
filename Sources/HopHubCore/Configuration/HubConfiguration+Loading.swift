import HopProtocol

/// Reading `HubConfiguration` from `ConfigValues` (file, then environment `HOP_HUB_*`, then flags).
extension HubConfiguration {
    /// The file keys, which are also the environment variables with `HOP_HUB_` in front.
    public static let keys: [String] = [
        "data_dir", "listen", "log_level",
        "limits.max_body_bytes", "limits.max_batch_bytes", "limits.max_decompressed_bytes",
        "limits.max_records_per_batch", "limits.max_future_skew_s", "limits.max_past_days", "limits.max_etr_future_days",
        "writer.max_pending_records", "writer.retry_after_s",
        "retention.raw_days", "retention.rollup_days", "retention.event_days", "retention.score_days",
        "retention.interval_s",
        "query.max_points_per_series", "query.trend_points_per_substation", "query.latest_window_s",
    ] + frequencyKeys + alertingKeys + alarmKeys + portalKeys + accountKeys + httpKeys + storeKeys

    public static let environmentPrefix = "HOP_HUB_"

    /// Builds a configuration from gathered values; the first bad value is reported with its origin.
    /// The PostgreSQL password is taken from `environment` only (`PostgresSettings.passwordVariable`).
    public init(values: ConfigValues, environment: [String: String] = [:]) throws(ConfigError) {
        if let password = values.values["postgres.password"] {
            throw ConfigError(
                origin: password.origin, key: "postgres.password",
                problem: "is not read from configuration: set \(PostgresSettings.passwordVariable) in the environment")
        }
        try values.rejectUnknown(knownKeys: Set(Self.keys))
        guard let dir = values.string("data_dir"), !dir.isEmpty else {
            throw ConfigError(
                origin: "configuration", key: "data_dir",
                problem: "is required (--data-dir, HOP_HUB_DATA_DIR or data_dir in the config file)")
        }
        self.init(dataDirectory: dir)
        if let listen = values.string("listen") {
            let parts = listen.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2, let port = Int(parts.last!), (1...65535).contains(port) else {
                throw ConfigError(
                    origin: values.origin("listen"), key: "listen",
                    problem: "'\(listen)' is not HOST:PORT (e.g. 127.0.0.1:8080)")
            }
            host = parts.dropLast().joined(separator: ":")
            self.port = port
        }
        if let level = values.string("log_level") {
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                throw ConfigError(
                    origin: values.origin("log_level"), key: "log_level",
                    problem: "'\(level)' is not one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = level
        }
        let mib = 1024 * 1024
        maxBodyBytes = try values.int("limits.max_body_bytes", in: 1024...(16 * mib)) ?? maxBodyBytes
        maxBatchBytes = try values.int("limits.max_batch_bytes", in: 1024...(256 * mib)) ?? maxBatchBytes
        maxDecompressedBytes =
            try values.int("limits.max_decompressed_bytes", in: 1024...(1024 * mib)) ?? maxDecompressedBytes
        validation.maxRecordsPerBatch =
            try values.int("limits.max_records_per_batch", in: 1...1_000_000) ?? validation.maxRecordsPerBatch
        if let skew = try values.int("limits.max_future_skew_s", in: 0...86_400) {
            validation.maxFutureSkewMs = Int64(skew) * 1000
        }
        if let days = try values.int("limits.max_past_days", in: 1...36_500) {
            validation.maxPastMs = Int64(days) * 86_400_000
        }
        if let days = try values.int("limits.max_etr_future_days", in: 1...36_500) {
            validation.maxEtrFutureMs = Int64(days) * 86_400_000
        }
        writerMaxPendingRecords =
            try values.int("writer.max_pending_records", in: 1000...100_000_000) ?? writerMaxPendingRecords
        retryAfterSeconds = try values.int("writer.retry_after_s", in: 1...3600) ?? retryAfterSeconds
        rawRetentionDays = try values.int("retention.raw_days", in: 1...36_500) ?? rawRetentionDays
        rollupRetentionDays = try values.int("retention.rollup_days", in: 1...36_500) ?? rollupRetentionDays
        eventRetentionDays = try values.int("retention.event_days", in: 1...36_500) ?? eventRetentionDays
        scoreRetentionDays = try values.int("retention.score_days", in: 1...36_500) ?? scoreRetentionDays
        retentionIntervalSeconds =
            try values.int("retention.interval_s", in: 10...86_400) ?? retentionIntervalSeconds
        maxPointsPerSeries = try values.int("query.max_points_per_series", in: 100...100_000) ?? maxPointsPerSeries
        trendPointsPerSubstation =
            try values.int("query.trend_points_per_substation", in: 10...100_000) ?? trendPointsPerSubstation
        latestWindowSeconds = try values.int("query.latest_window_s", in: 1...86_400) ?? latestWindowSeconds
        try loadFrequency(values)
        try loadAlerting(values)
        try loadAlarms(values)
        try loadPortal(values)
        try loadAccounts(values)
        try loadHTTP(values)
        postgres.password = environment[PostgresSettings.passwordVariable]
        try loadStore(values)
        guard rollupRetentionDays >= rawRetentionDays else {
            throw ConfigError(
                origin: values.origin("retention.rollup_days"), key: "retention.rollup_days",
                problem: "must be at least retention.raw_days (\(rawRetentionDays)): rollups serve long ranges")
        }
    }
}
