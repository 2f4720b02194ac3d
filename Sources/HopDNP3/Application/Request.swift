/// Builds the request fragments this master sends. It is read-only by design: there is no builder
/// for SELECT, OPERATE, DIRECT_OPERATE or any other control, so none can be sent.
public enum Request {
    /// READ of the given classes, all objects of each (g60, qualifier 0x06). An integrity poll is
    /// `read([.class1, .class2, .class3, .class0])`: events first, then static data.
    public static func read(_ classes: [PointClass], sequence: UInt8) -> [UInt8] {
        var out = header(.read, sequence: sequence)
        for c in classes { out += [60, c.variation, Qualifier.allObjects.byte] }
        return out
    }

    /// An integrity poll: classes 1, 2, 3 and 0.
    public static func integrity(sequence: UInt8) -> [UInt8] {
        read([.class1, .class2, .class3, .class0], sequence: sequence)
    }

    /// Application CONFIRM of a solicited or unsolicited response with sequence `sequence`.
    public static func confirm(sequence: UInt8, unsolicited: Bool) -> [UInt8] {
        [AppControl(uns: unsolicited, sequence: sequence).byte, FunctionCode.confirm.rawValue]
    }

    /// ENABLE_UNSOLICITED (or DISABLE) for the given event classes.
    public static func unsolicited(enable: Bool, classes: [PointClass], sequence: UInt8) -> [UInt8] {
        var out = header(enable ? .enableUnsolicited : .disableUnsolicited, sequence: sequence)
        for c in classes where c != .class0 { out += [60, c.variation, Qualifier.allObjects.byte] }
        return out
    }

    /// WRITE of the absolute time (g50v1, count 1) in milliseconds since 1970-01-01 UTC.
    public static func writeTime(epochMilliseconds ms: Int64, sequence: UInt8) -> [UInt8] {
        var out = header(.write, sequence: sequence)
        out += [50, 1, Qualifier.count8.byte, 1]
        out += DNP3Time(epochMilliseconds: ms).bytes
        return out
    }

    /// WRITE of IIN1.7 = 0 (g80v1, index 7), which clears DEVICE_RESTART.
    public static func clearRestart(sequence: UInt8) -> [UInt8] {
        header(.write, sequence: sequence) + [80, 1, Qualifier.startStop8.byte, 7, 7, 0x00]
    }

    private static func header(_ function: FunctionCode, sequence: UInt8) -> [UInt8] {
        [AppControl(sequence: sequence).byte, function.rawValue]
    }
}
