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
    /// Records (telemetry + events + outages) per batch.
    public var maxRecordsPerBatch = 20_000

    public init() {}
}
