/// How the hub judges frequency (`frequency.*`): a preset's numbers, each of which the file may
/// override. The default is the seed's 59.85–60.15 Hz band.
@dynamicMemberLookup
public struct FrequencySettings: Sendable, Hashable {
    /// The numbers judged by: the preset's, with the file's overrides written over them
    /// (`settings.alarmLowHz` reads and writes `limits.alarmLowHz`).
    public var limits: FrequencyPreset
    /// Consecutive readings further apart than this give no RoCoF and restart a pending excursion.
    public var maxGapSeconds: Double = 30
    /// Judge committed readings and emit excursion and RoCoF events.
    public var alarmsEnabled = true

    public init(preset: FrequencyPreset = .seed) {
        limits = preset
    }

    /// The preset the numbers started from.
    public var preset: String { limits.name }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<FrequencyPreset, Value>) -> Value {
        get { limits[keyPath: keyPath] }
        set { limits[keyPath: keyPath] = newValue }
    }

    /// What is wrong with the numbers' order (UFLS < alarm low ≤ band low < nominal < band high ≤
    /// alarm high), as (key, problem), or nil.
    public func problem() -> (key: String, problem: String)? {
        let l = limits
        if !(l.bandLowHz < l.bandHighHz) { return ("frequency.band_low_hz", "must be below frequency.band_high_hz (\(l.bandHighHz))") }
        if !(l.bandLowHz < l.nominalHz && l.nominalHz < l.bandHighHz) {
            return ("frequency.nominal_hz", "must lie inside the normal band \(l.bandLowHz)…\(l.bandHighHz)")
        }
        if l.alarmLowHz > l.bandLowHz { return ("frequency.alarm_low_hz", "must be at or below frequency.band_low_hz (\(l.bandLowHz))") }
        if l.alarmHighHz < l.bandHighHz { return ("frequency.alarm_high_hz", "must be at or above frequency.band_high_hz (\(l.bandHighHz))") }
        if !(l.uflsWarningHz < l.alarmLowHz) { return ("frequency.ufls_warning_hz", "must be below frequency.alarm_low_hz (\(l.alarmLowHz))") }
        return nil
    }

    var persistenceMs: Int64 { Int64((limits.persistenceSeconds * 1000).rounded()) }
    var uflsPersistenceMs: Int64 { Int64((limits.uflsPersistenceSeconds * 1000).rounded()) }
    var rocofPersistenceMs: Int64 { Int64((limits.rocofPersistenceSeconds * 1000).rounded()) }
    var maxGapMs: Int64 { Int64((maxGapSeconds * 1000).rounded()) }
}
