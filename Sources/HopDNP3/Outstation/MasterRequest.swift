/// A request from a master, as an outstation understands it. Only what an outstation that reports
/// measurements needs: READ of classes and event objects, CONFIRM, ENABLE/DISABLE_UNSOLICITED,
/// WRITE of the time and of IIN1.7. Anything else is `.unsupported`, answered with IIN2.0
/// (objects of a WRITE or READ are named; those of other functions are not walked).
public enum MasterRequest: Hashable, Sendable {
    /// READ: the classes asked for (g60) and any other objects, by group and variation, in order.
    case read(classes: [PointClass], objects: [ObjectID])
    /// CONFIRM of the response (or, with `unsolicited`, the unsolicited response) numbered `sequence`.
    case confirm(sequence: UInt8, unsolicited: Bool)
    /// ENABLE_UNSOLICITED or DISABLE_UNSOLICITED for these event classes.
    case unsolicited(enable: Bool, classes: [PointClass])
    /// WRITE g50v1: the master's clock.
    case writeTime(DNP3Time)
    /// WRITE g80v1 index 7 = 0: clear DEVICE_RESTART.
    case clearRestart
    /// A function, or objects of a known function, this outstation does not implement.
    case unsupported(function: UInt8, objects: [ObjectID])
}

/// A group and variation, e.g. g2v2.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    public var group: UInt8
    public var variation: UInt8
    public init(group: UInt8, variation: UInt8) {
        self.group = group
        self.variation = variation
    }
    public var description: String { "g\(group)v\(variation)" }
}
