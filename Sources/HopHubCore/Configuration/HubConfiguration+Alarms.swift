import HopProtocol

/// Reading the alarm settings (`alarms.*`). docs/alarms.md.
extension HubConfiguration {
    /// File keys of this part; also `HOP_HUB_<KEY>` environment variables (dots as underscores).
    public static let alarmKeys: [String] =
        ["alarms.enabled", "alarms.max_shelve_s", "alarms.silence_s", "alarms.sweep_interval_s"]
        + AlarmType.known.map { "alarms.priority.\($0.rawValue)" }

    mutating func loadAlarms(_ values: ConfigValues) throws(ConfigError) {
        alarms.enabled = try Self.bool(values, "alarms.enabled") ?? alarms.enabled
        alarms.maxShelveSeconds = try values.int("alarms.max_shelve_s", in: 60...604_800) ?? alarms.maxShelveSeconds
        alarms.silenceSeconds = try values.int("alarms.silence_s", in: 0...604_800) ?? alarms.silenceSeconds
        alarms.sweepIntervalSeconds = try values.int("alarms.sweep_interval_s", in: 1...3600) ?? alarms.sweepIntervalSeconds
        for type in AlarmType.known {
            let key = "alarms.priority.\(type.rawValue)"
            guard let text = values.string(key) else { continue }
            guard let priority = AlarmPriority(rawValue: text.lowercased()) else {
                throw ConfigError(
                    origin: values.origin(key), key: key,
                    problem: "'\(text)' is not one of \(AlarmPriority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            alarms.priorities[type] = priority
        }
    }
}
