/// Application-layer function codes this master sends or understands.
public enum FunctionCode: UInt8, Sendable, Hashable {
    case confirm = 0
    case read = 1
    case write = 2
    case enableUnsolicited = 20
    case disableUnsolicited = 21
    case delayMeasure = 23
    case response = 129
    case unsolicitedResponse = 130
}
