/// The classes a master polls: class 0 (static data, every point's current value) and the three
/// event classes. Each is read with object group 60.
public enum PointClass: Int, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    case class0 = 0, class1 = 1, class2 = 2, class3 = 3

    /// g60 variation: 1 for class 0, 2–4 for classes 1–3.
    public var variation: UInt8 { UInt8(rawValue + 1) }

    public var description: String { "class \(rawValue)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The event classes.
    public static let events: [PointClass] = [.class1, .class2, .class3]
}
