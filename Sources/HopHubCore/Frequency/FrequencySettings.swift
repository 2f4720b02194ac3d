/// How the hub judges frequency (`frequency.*`): a preset's numbers, each of which the file may
/// override. The default is the seed's 59.85–60.15 Hz band.
public struct FrequencySettings: Sendable, Hashable {
    /// The preset the numbers started from.
    public var preset: String
    public var nominalHz: Double
    public var bandLowHz: Double
    public var bandHighHz: Double
    public var alarmLowHz: Double
    public var alarmHighHz: Double
    /// How long frequency must stay outside the alarm limits before the excursion alarms.
    public var persistenceSeconds: Double
    public var uflsWarningHz: Double
    public var uflsPersistenceSeconds: Double
    public var rocofLimitHzPerS: Double
    /// How long |RoCoF| must stay above the limit, from the start of the first interval above it.
    public var rocofPersistenceSeconds: Double
    /// Consecutive readings further apart than this give no RoCoF and restart a pending excursion.
    public var maxGapSeconds: Double = 30
    /// Judge committed readings and emit excursion and RoCoF events.
    public var alarmsEnabled = true

    public init(preset: FrequencyPreset = .seed) {
        self.preset = preset.name
        nominalHz = preset.nominalHz
        bandLowHz = preset.bandLowHz
        bandHighHz = preset.bandHighHz
        alarmLowHz = preset.alarmLowHz
        alarmHighHz = preset.alarmHighHz
        persistenceSeconds = preset.persistenceSeconds
        uflsWarningHz = preset.uflsWarningHz
        uflsPersistenceSeconds = preset.uflsPersistenceSeconds
        rocofLimitHzPerS = preset.rocofLimitHzPerS
        rocofPersistenceSeconds = preset.rocofPersistenceSeconds
    }

    /// What is wrong with the numbers' order (UFLS < alarm low ≤ band low < nominal < band high ≤
    /// alarm high), as (key, problem), or nil.
    public func problem() -> (key: String, problem: String)? {
        if !(bandLowHz < bandHighHz) { return ("frequency.band_low_hz", "must be below frequency.band_high_hz (\(bandHighHz))") }
        if !(bandLowHz < nominalHz && nominalHz < bandHighHz) {
            return ("frequency.nominal_hz", "must lie inside the normal band \(bandLowHz)…\(bandHighHz)")
        }
        if alarmLowHz > bandLowHz { return ("frequency.alarm_low_hz", "must be at or below frequency.band_low_hz (\(bandLowHz))") }
        if alarmHighHz < bandHighHz { return ("frequency.alarm_high_hz", "must be at or above frequency.band_high_hz (\(bandHighHz))") }
        if !(uflsWarningHz < alarmLowHz) { return ("frequency.ufls_warning_hz", "must be below frequency.alarm_low_hz (\(alarmLowHz))") }
        return nil
    }

    var persistenceMs: Int64 { Int64((persistenceSeconds * 1000).rounded()) }
    var uflsPersistenceMs: Int64 { Int64((uflsPersistenceSeconds * 1000).rounded()) }
    var rocofPersistenceMs: Int64 { Int64((rocofPersistenceSeconds * 1000).rounded()) }
    var maxGapMs: Int64 { Int64((maxGapSeconds * 1000).rounded()) }
}
