/// The documented limits every record is checked against before anything is stored.
/// docs/api.md lists them; change both together.
public struct ValidationLimits: Sendable, Hashable {
    public var frequencyHz: ClosedRange<Double> = 40...70
    public var voltageKV: ClosedRange<Double> = 0...1_200
    public var currentA: ClosedRange<Double> = -100_000...100_000
    public var powerMW: ClosedRange<Double> = -10_000...10_000
    public var latitude: ClosedRange<Double> = -90...90
    public var longitude: ClosedRange<Double> = -180...180
    public var customersOut: ClosedRange<Int> = 0...50_000_000
    public var mwInterrupted: ClosedRange<Double> = 0...100_000
    /// Identifiers: 1…64 characters of `A–Z a–z 0–9 _ . : -`.
    public var identifierMaxLength = 64
    /// Free-text names (site_name, region, cause, states).
    public var nameMaxLength = 128
    /// Event messages.
    public var messageMaxLength = 1_024
    /// Severity and event type: 1…32 characters of `A–Z 0–9 _` (case-insensitive, stored upper-case).
    public var codeMaxLength = 32
    /// How far in the future a source timestamp may be (clock skew allowance), milliseconds.
    public var maxFutureSkewMs: Int64 = 5 * 60 * 1000
    /// How far in the past a source timestamp may be, milliseconds (default 400 days).
    public var maxPastMs: Int64 = 400 * 86_400 * 1000
    /// How far in the future an outage's estimated restoration time (`etr_time`) may be,
    /// milliseconds (default 400 days). It is a forecast, so the clock-skew allowance does not apply;
    /// its past bound is `maxPastMs`, as for `ts`.
    public var maxEtrFutureMs: Int64 = 400 * 86_400 * 1000
    /// Devices in one batch's `health` object.
    public var maxHealthDevices = 1_000
    /// `health.agent_version`.
    public var agentVersionMaxLength = 64
    /// Largest `health` counter (`journal_depth`, `evicted_total`, `quarantined_total`).
    public var maxHealthCounter: Int64 = 1_000_000_000_000
    /// Largest `health.oldest_unsent_age_s` and `devices[].last_poll_latency_ms`, as seconds (400 days).
    public var maxHealthSeconds: Double = 400 * 86_400
    /// Records (telemetry + events + outages) per batch.
    public var maxRecordsPerBatch = 20_000

    public init() {}
}
