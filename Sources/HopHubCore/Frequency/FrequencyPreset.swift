/// The numbers a grid operator judges frequency by, for one interconnection (synchronous area).
/// docs/frequency.md gives each number's public source, or says where a number is Hop's own choice.
public struct FrequencyPreset: Sendable, Hashable {
    /// The `frequency.preset` value naming it.
    public var name: String
    public var nominalHz: Double
    /// The normal band, drawn on the Frequency tab and answered by `/api/query/frequency/thresholds`.
    public var bandLowHz: Double
    public var bandHighHz: Double
    /// Frequency outside these limits for `persistenceSeconds` is an excursion alarm.
    public var alarmLowHz: Double
    public var alarmHighHz: Double
    public var persistenceSeconds: Double
    /// At or below this, the under-frequency load-shedding (UFLS) warning, after `uflsPersistenceSeconds`.
    public var uflsWarningHz: Double
    public var uflsPersistenceSeconds: Double
    /// |RoCoF| above this, sustained for `rocofPersistenceSeconds`, is a RoCoF alarm.
    public var rocofLimitHzPerS: Double
    public var rocofPersistenceSeconds: Double

    public init(
        name: String, nominalHz: Double, band: ClosedRange<Double>, alarm: ClosedRange<Double>, persistenceSeconds: Double,
        uflsWarningHz: Double, uflsPersistenceSeconds: Double = 0, rocofLimitHzPerS: Double, rocofPersistenceSeconds: Double
    ) {
        self.name = name
        self.nominalHz = nominalHz
        bandLowHz = band.lowerBound
        bandHighHz = band.upperBound
        alarmLowHz = alarm.lowerBound
        alarmHighHz = alarm.upperBound
        self.persistenceSeconds = persistenceSeconds
        self.uflsWarningHz = uflsWarningHz
        self.uflsPersistenceSeconds = uflsPersistenceSeconds
        self.rocofLimitHzPerS = rocofLimitHzPerS
        self.rocofPersistenceSeconds = rocofPersistenceSeconds
    }
}

extension FrequencyPreset {
    /// The default: the seed's fixed 59.85–60.15 Hz band, alarmed after 30 s outside it.
    public static let seed = FrequencyPreset(
        name: "seed", nominalHz: 60, band: 59.85...60.15, alarm: 59.85...60.15, persistenceSeconds: 30,
        uflsWarningHz: 59.5, rocofLimitHzPerS: 0.1, rocofPersistenceSeconds: 1)

    /// North American interconnections: the normal band is the Frequency Trigger Limit
    /// (60 Hz ± 3ε1, NERC BAL-001-2), the UFLS level the first load-shedding step (NERC BAL-003-2
    /// Attachment A, regional PRC-006 programmes).
    public static let eastern = FrequencyPreset(
        name: "eastern", nominalHz: 60, band: 59.946...60.054, alarm: 59.946...60.054, persistenceSeconds: 30,
        uflsWarningHz: 59.5, rocofLimitHzPerS: 0.1, rocofPersistenceSeconds: 1)

    public static let western = FrequencyPreset(
        name: "western", nominalHz: 60, band: 59.932...60.068, alarm: 59.932...60.068, persistenceSeconds: 30,
        uflsWarningHz: 59.5, rocofLimitHzPerS: 0.1, rocofPersistenceSeconds: 1)

    public static let ercot = FrequencyPreset(
        name: "ercot", nominalHz: 60, band: 59.91...60.09, alarm: 59.91...60.09, persistenceSeconds: 30,
        uflsWarningHz: 59.3, rocofLimitHzPerS: 0.1, rocofPersistenceSeconds: 1)

    public static let quebec = FrequencyPreset(
        name: "quebec", nominalHz: 60, band: 59.937...60.063, alarm: 59.937...60.063, persistenceSeconds: 30,
        uflsWarningHz: 58.5, rocofLimitHzPerS: 0.1, rocofPersistenceSeconds: 1)

    /// Continental Europe: standard frequency range ±50 mHz and alert-state trigger time 5 min
    /// (Regulation (EU) 2017/1485, Annex III); low-frequency demand disconnection from 49.0 Hz
    /// (Regulation (EU) 2017/2196, Annex).
    public static let continentalEurope = FrequencyPreset(
        name: "continental-europe", nominalHz: 50, band: 49.95...50.05, alarm: 49.95...50.05, persistenceSeconds: 300,
        uflsWarningHz: 49.0, rocofLimitHzPerS: 1.0, rocofPersistenceSeconds: 0.5)

    /// Great Britain: operational limits 49.8–50.2 Hz, statutory limits 49.5–50.5 Hz with excursions
    /// of 60 s or more reported (NESO), low-frequency demand disconnection from 48.8 Hz (Grid Code OC6).
    public static let greatBritain = FrequencyPreset(
        name: "great-britain", nominalHz: 50, band: 49.8...50.2, alarm: 49.5...50.5, persistenceSeconds: 60,
        uflsWarningHz: 48.8, rocofLimitHzPerS: 1.0, rocofPersistenceSeconds: 0.5)

    /// Every preset, in the order docs/frequency.md lists them.
    public static let all: [FrequencyPreset] = [seed, eastern, western, ercot, quebec, continentalEurope, greatBritain]

    public static func named(_ name: String) -> FrequencyPreset? {
        all.first { $0.name == name.lowercased() }
    }
}
