/// Analog values of a scan by feeder and field, stored flat (feeder × 4 + field) so the poll path
/// does no hashing.
public struct AnalogValues: Sendable, Hashable {
    private var storage: [Double?] = []

    public init() {}

    public subscript(feeder: Int, field: TelemetryField) -> Double? {
        get {
            let i = feeder * 4 + field.slot
            return i < storage.count ? storage[i] : nil
        }
        set {
            let i = feeder * 4 + field.slot
            if i >= storage.count { storage += [Double?](repeating: nil, count: i + 1 - storage.count) }
            storage[i] = newValue
        }
    }

    /// The value of an analog point (`nil` for breaker references).
    public subscript(ref: PointRef) -> Double? {
        get {
            guard case .analog(let field) = ref.role else { return nil }
            return self[ref.feeder, field]
        }
        set {
            guard case .analog(let field) = ref.role else { return }
            self[ref.feeder, field] = newValue
        }
    }

    /// Whether no value is present.
    public var isEmpty: Bool { storage.allSatisfy { $0 == nil } }

    /// Takes every value present in `other`.
    public mutating func merge(_ other: AnalogValues) {
        if storage.count < other.storage.count {
            storage += [Double?](repeating: nil, count: other.storage.count - storage.count)
        }
        for (i, value) in other.storage.enumerated() where value != nil { storage[i] = value }
    }
}

/// Breaker states of a scan by feeder index.
public struct BreakerValues: Sendable, Hashable {
    private var storage: [Bool?] = []

    public init() {}

    public subscript(feeder: Int) -> Bool? {
        get { feeder < storage.count ? storage[feeder] : nil }
        set {
            if feeder >= storage.count { storage += [Bool?](repeating: nil, count: feeder + 1 - storage.count) }
            storage[feeder] = newValue
        }
    }

    /// Every state present, by ascending feeder index.
    public var all: [(feeder: Int, closed: Bool)] {
        storage.enumerated().compactMap { i, v in v.map { (i, $0) } }
    }

    public mutating func merge(_ other: BreakerValues) {
        for (feeder, closed) in other.all { self[feeder] = closed }
    }
}

extension TelemetryField {
    /// Position 0…3 in per-feeder storage.
    var slot: Int {
        switch self {
        case .voltageKV: 0
        case .currentA: 1
        case .powerMW: 2
        case .frequencyHz: 3
        }
    }
}
