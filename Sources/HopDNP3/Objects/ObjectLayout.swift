/// How much room the objects of one group and variation take, so objects this master does not map
/// can be stepped over instead of failing the fragment.
public enum ObjectLayout: Hashable, Sendable {
    /// Bit-packed values (g1v1, g3v1, g10v1, g80v1): `bits` per object, the whole run padded to an octet.
    case packed(bits: Int)
    /// Every object is `size` octets.
    case fixed(size: Int)

    /// The layout of `group`/`variation`, or `nil` when the size is not known.
    public static func of(group: UInt8, variation: UInt8) -> ObjectLayout? {
        let v = Int(variation)
        switch (group, variation) {
        case (1, 1), (10, 1), (80, 1): return .packed(bits: 1)
        case (3, 1): return .packed(bits: 2)
        case (1, 2), (3, 2), (10, 2), (2, 1), (4, 1), (11, 1), (13, 1): return .fixed(size: 1)
        case (2, 2), (4, 2), (11, 2), (13, 2): return .fixed(size: 7)
        case (2, 3), (4, 3): return .fixed(size: 3)
        // Counters and frozen counters, their events: flags + 32/16 bits, optionally + time.
        case (20, 1), (20, 3), (21, 1), (21, 3), (22, 1), (22, 3), (23, 1), (23, 3): return .fixed(size: 5)
        case (20, 2), (20, 4), (21, 2), (21, 4), (22, 2), (22, 4), (23, 2), (23, 4): return .fixed(size: 3)
        case (20, 5), (20, 7), (21, 9), (21, 11): return .fixed(size: 4)
        case (20, 6), (20, 8), (21, 10), (21, 12): return .fixed(size: 2)
        case (21, 5), (21, 7), (22, 5), (22, 7), (23, 5), (23, 7): return .fixed(size: 11)
        case (21, 6), (21, 8), (22, 6), (22, 8), (23, 6), (23, 8): return .fixed(size: 9)
        // Analog inputs.
        case (30, 1), (30, 5): return .fixed(size: 5)
        case (30, 2): return .fixed(size: 3)
        case (30, 3): return .fixed(size: 4)
        case (30, 4): return .fixed(size: 2)
        case (30, 6): return .fixed(size: 9)
        case (32, 1), (32, 5), (33, 1), (33, 5): return .fixed(size: 5)
        case (32, 2), (33, 2): return .fixed(size: 3)
        case (32, 3), (32, 7), (33, 3), (33, 7): return .fixed(size: 11)
        case (32, 4), (32, 6), (33, 4), (33, 6): return .fixed(size: 9)
        case (32, 8), (33, 8): return .fixed(size: 15)
        // Analog input deadbands.
        case (34, 1): return .fixed(size: 2)
        case (34, 2), (34, 3): return .fixed(size: 4)
        // Analog output status and events.
        case (40, 1), (40, 3): return .fixed(size: 5)
        case (40, 2): return .fixed(size: 3)
        case (40, 4): return .fixed(size: 9)
        case (42, 1), (42, 5): return .fixed(size: 5)
        case (42, 2): return .fixed(size: 3)
        case (42, 3), (42, 7): return .fixed(size: 11)
        case (42, 4), (42, 6): return .fixed(size: 9)
        case (42, 8): return .fixed(size: 15)
        // Time objects.
        case (50, 1), (50, 3), (51, 1), (51, 2): return .fixed(size: 6)
        case (50, 4): return .fixed(size: 11)
        case (52, 1), (52, 2): return .fixed(size: 2)
        // Octet strings and their events: the variation is the length.
        case (110, 1...255), (111, 1...255): return .fixed(size: v)
        // Unsigned 8-bit integers.
        case (102, 1): return .fixed(size: 1)
        default: return nil
        }
    }

    /// Octets taken by `count` objects with an index prefix of `prefix` octets each.
    func octets(count: Int, prefix: Int) -> Int {
        switch self {
        case .packed(let bits): (count * bits + 7) / 8
        case .fixed(let size): count * (size + prefix)
        }
    }
}
