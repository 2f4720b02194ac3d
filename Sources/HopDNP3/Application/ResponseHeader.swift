/// The first four octets of a response or unsolicited response.
public struct ResponseHeader: Hashable, Sendable {
    public var control: AppControl
    public var function: FunctionCode
    public var iin: IIN

    public init(control: AppControl, function: FunctionCode, iin: IIN) {
        self.control = control
        self.function = function
        self.iin = iin
    }

    /// Reads the header of `fragment`; throws when it is short or not a response.
    public static func parse(_ fragment: [UInt8]) throws(DNP3Error) -> ResponseHeader {
        guard fragment.count >= 4 else { throw .truncated(what: "response header", offset: fragment.count) }
        guard let function = FunctionCode(rawValue: fragment[1]),
            function == .response || function == .unsolicitedResponse
        else { throw .unexpectedFunction(fragment[1]) }
        return ResponseHeader(control: AppControl(byte: fragment[0]), function: function, iin: IIN(iin1: fragment[2], iin2: fragment[3]))
    }

    public var isUnsolicited: Bool { function == .unsolicitedResponse }
}
