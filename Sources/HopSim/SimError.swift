/// Why the simulator could not start or keep running, with the address or file involved.
public struct SimError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
