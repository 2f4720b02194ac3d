/// One reading of one series (a feeder) as stored in a chunk: its source time and the four
/// quantities, each of which may be absent.
///
/// `Equatable` compares the doubles with `==` (so `-0.0 == 0.0`); the codec itself round-trips
/// every value bit for bit.
public struct ChunkPoint: Sendable, Equatable {
    /// Source time, milliseconds since the Unix epoch (may be negative).
    public var ts: Int64
    /// Bus voltage, kV.
    public var voltageKV: Double?
    /// Feeder current, A.
    public var currentA: Double?
    /// Active power, MW.
    public var powerMW: Double?
    /// Grid frequency, Hz.
    public var frequencyHz: Double?

    /// A reading at `ts` with the given quantities (absent when `nil`).
    public init(
        ts: Int64, voltageKV: Double? = nil, currentA: Double? = nil, powerMW: Double? = nil,
        frequencyHz: Double? = nil
    ) {
        self.ts = ts
        self.voltageKV = voltageKV
        self.currentA = currentA
        self.powerMW = powerMW
        self.frequencyHz = frequencyHz
    }

    /// The value of one quantity, by column.
    public subscript(column: ChunkColumn) -> Double? {
        get {
            switch column {
            case .voltageKV: voltageKV
            case .currentA: currentA
            case .powerMW: powerMW
            case .frequencyHz: frequencyHz
            }
        }
        set {
            switch column {
            case .voltageKV: voltageKV = newValue
            case .currentA: currentA = newValue
            case .powerMW: powerMW = newValue
            case .frequencyHz: frequencyHz = newValue
            }
        }
    }
}
