/// The quality flags octet of a measurement. Bits 0–4 mean the same for every point type; bits 5–7
/// depend on the type (binary state, double-bit state, analog over-range and reference error).
public struct Flags: Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt8
    /// Which point type's meaning of bits 5–7 applies.
    public var type: PointType

    public init(raw: UInt8, type: PointType) {
        self.raw = raw
        self.type = type
    }

    public var online: Bool { raw & 0x01 != 0 }
    public var restart: Bool { raw & 0x02 != 0 }
    public var commLost: Bool { raw & 0x04 != 0 }
    public var remoteForced: Bool { raw & 0x08 != 0 }
    public var localForced: Bool { raw & 0x10 != 0 }
    /// Analog inputs: the value is beyond what the point can represent.
    public var overRange: Bool { type == .analog && raw & 0x20 != 0 }
    /// Analog inputs: the reference of the measurement is off.
    public var referenceError: Bool { type == .analog && raw & 0x40 != 0 }
    /// Binary and double-bit inputs: chatter filter active.
    public var chatterFilter: Bool { (type == .binary || type == .doubleBit) && raw & 0x20 != 0 }

    /// Whether the value can be stored as a good measurement: ONLINE, and none of RESTART,
    /// COMM_LOST, OVER_RANGE or REFERENCE_ERR.
    public var isGood: Bool { online && !restart && !commLost && !overRange && !referenceError }

    /// Names of the quality bits set, e.g. `ONLINE LOCAL_FORCED`.
    public var names: [String] {
        let bits: [(Bool, String)] = [
            (online, "ONLINE"), (restart, "RESTART"), (commLost, "COMM_LOST"), (remoteForced, "REMOTE_FORCED"),
            (localForced, "LOCAL_FORCED"), (overRange, "OVER_RANGE"), (referenceError, "REFERENCE_ERR"),
            (chatterFilter, "CHATTER_FILTER"),
        ]
        return bits.filter(\.0).map(\.1)
    }

    public var description: String { names.isEmpty ? "OFFLINE" : names.joined(separator: " ") }
}
