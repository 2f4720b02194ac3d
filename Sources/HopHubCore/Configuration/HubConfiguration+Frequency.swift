/// Reading `frequency.*`: a preset, then any of its numbers overridden.
extension HubConfiguration {
    public static let frequencyKeys: [String] = [
        "frequency.preset", "frequency.nominal_hz", "frequency.band_low_hz", "frequency.band_high_hz",
        "frequency.alarm_low_hz", "frequency.alarm_high_hz", "frequency.persistence_s", "frequency.ufls_warning_hz",
        "frequency.ufls_persistence_s", "frequency.rocof_limit_hz_per_s", "frequency.rocof_persistence_s",
        "frequency.max_gap_s", "frequency.alarms",
    ]

    mutating func loadFrequency(_ values: ConfigValues) throws(ConfigError) {
        var f = FrequencySettings()
        if let name = values.string("frequency.preset") {
            guard let preset = FrequencyPreset.named(name) else {
                throw ConfigError(
                    origin: values.origin("frequency.preset"), key: "frequency.preset",
                    problem: "'\(name)' is not one of \(FrequencyPreset.all.map(\.name).joined(separator: ", "))")
            }
            f = FrequencySettings(preset: preset)
        }
        f.nominalHz = try values.double("frequency.nominal_hz", in: 40...70) ?? f.nominalHz
        f.bandLowHz = try values.double("frequency.band_low_hz", in: 40...70) ?? f.bandLowHz
        f.bandHighHz = try values.double("frequency.band_high_hz", in: 40...70) ?? f.bandHighHz
        // Alarm limits not given never fall inside a band the file moved outwards.
        f.alarmLowHz = try values.double("frequency.alarm_low_hz", in: 40...70) ?? min(f.alarmLowHz, f.bandLowHz)
        f.alarmHighHz = try values.double("frequency.alarm_high_hz", in: 40...70) ?? max(f.alarmHighHz, f.bandHighHz)
        f.persistenceSeconds = try values.double("frequency.persistence_s", in: 0...86_400) ?? f.persistenceSeconds
        f.uflsWarningHz = try values.double("frequency.ufls_warning_hz", in: 40...70) ?? f.uflsWarningHz
        f.uflsPersistenceSeconds = try values.double("frequency.ufls_persistence_s", in: 0...86_400) ?? f.uflsPersistenceSeconds
        f.rocofLimitHzPerS = try values.double("frequency.rocof_limit_hz_per_s", in: 0.001...100) ?? f.rocofLimitHzPerS
        f.rocofPersistenceSeconds = try values.double("frequency.rocof_persistence_s", in: 0...3600) ?? f.rocofPersistenceSeconds
        f.maxGapSeconds = try values.double("frequency.max_gap_s", in: 0.1...86_400) ?? f.maxGapSeconds
        f.alarmsEnabled = try Self.bool(values, "frequency.alarms") ?? f.alarmsEnabled
        if let (key, problem) = f.problem() {
            throw ConfigError(origin: values.origin(key), key: key, problem: problem)
        }
        frequency = f
    }
}
