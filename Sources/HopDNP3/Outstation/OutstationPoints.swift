/// A binary input's state and quality, as an outstation reports it.
public struct BinaryPoint: Hashable, Sendable {
    public var state: Bool
    /// Quality bits 0–4 (`0x01` = ONLINE).
    public var quality: UInt8
    public init(state: Bool, quality: UInt8 = 0x01) {
        self.state = state
        self.quality = quality
    }
    /// The flags octet of g1v2 / g2v2: quality with the state in bit 7.
    public var flagsOctet: UInt8 { (quality & 0x7F) | (state ? 0x80 : 0) }
}

/// An analog input's value and flags (`0x01` = ONLINE).
public struct AnalogPoint: Hashable, Sendable {
    public var value: Float
    public var flags: UInt8
    public init(value: Float, flags: UInt8 = 0x01) {
        self.value = value
        self.flags = flags
    }
}

/// A binary input change with the outstation's time.
public struct BinaryEvent: Hashable, Sendable {
    public var index: UInt16
    public var point: BinaryPoint
    public var time: DNP3Time
    public init(index: UInt16, point: BinaryPoint, time: DNP3Time) {
        self.index = index
        self.point = point
        self.time = time
    }
}

/// An analog input change with the outstation's time.
public struct AnalogEvent: Hashable, Sendable {
    public var index: UInt16
    public var point: AnalogPoint
    public var time: DNP3Time
    public init(index: UInt16, point: AnalogPoint, time: DNP3Time) {
        self.index = index
        self.point = point
        self.time = time
    }
}
