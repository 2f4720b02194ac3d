/// A fragment this master cannot use, with where in it the problem is.
public enum DNP3Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// The fragment ends inside `what`; `offset` is where reading stopped.
    case truncated(what: String, offset: Int)
    /// An object whose size this master does not know, so nothing after it can be read.
    case unknownObject(group: UInt8, variation: UInt8, qualifier: UInt8, offset: Int)
    /// A qualifier code this master cannot walk.
    case unsupportedQualifier(group: UInt8, variation: UInt8, qualifier: UInt8, offset: Int)
    /// A start–stop range whose stop is before its start.
    case badRange(group: UInt8, variation: UInt8, start: UInt32, stop: UInt32, offset: Int)
    /// A relative-time object without a common time of occurrence (g51) before it.
    case missingCommonTime(group: UInt8, variation: UInt8, offset: Int)
    /// A function code that is not a response.
    case unexpectedFunction(UInt8)

    public var description: String {
        switch self {
        case .truncated(let what, let offset):
            "fragment ends inside \(what) at offset \(offset)"
        case .unknownObject(let g, let v, let q, let offset):
            "object g\(g)v\(v) (qualifier \(Qualifier(byte: q))) at offset \(offset) has no known size; rest of the fragment unreadable"
        case .unsupportedQualifier(let g, let v, let q, let offset):
            "qualifier \(Qualifier(byte: q)) of g\(g)v\(v) at offset \(offset) is not supported"
        case .badRange(let g, let v, let start, let stop, let offset):
            "g\(g)v\(v) at offset \(offset): range stop \(stop) before start \(start)"
        case .missingCommonTime(let g, let v, let offset):
            "g\(g)v\(v) at offset \(offset) has a relative time but no common time object (g51) precedes it"
        case .unexpectedFunction(let f):
            "function code \(f) is not a response"
        }
    }
}
