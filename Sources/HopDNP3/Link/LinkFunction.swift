/// Link-layer function codes (the low four bits of the control octet).
public enum LinkFunction: Hashable, Sendable {
    /// Sent by the station that initiates (PRM = 1).
    public enum Primary: UInt8, Sendable {
        case resetLinkStates = 0
        case testLinkStates = 2
        case confirmedUserData = 3
        case unconfirmedUserData = 4
        case requestLinkStatus = 9
    }

    /// Sent in answer (PRM = 0).
    public enum Secondary: UInt8, Sendable {
        case ack = 0
        case nack = 1
        case linkStatus = 11
        case notSupported = 15
    }

    case primary(Primary)
    case secondary(Secondary)
}

/// The link control octet: DIR, PRM, FCB, FCV (DFC for secondary frames) and the function code.
public struct LinkControl: Hashable, Sendable {
    /// DIR: set on frames sent by a master.
    public var fromMaster: Bool
    public var function: LinkFunction
    /// Frame count bit (primary frames).
    public var fcb: Bool
    /// Frame count valid (primary) or data flow control (secondary).
    public var fcvOrDFC: Bool

    public init(fromMaster: Bool, function: LinkFunction, fcb: Bool = false, fcvOrDFC: Bool = false) {
        self.fromMaster = fromMaster
        self.function = function
        self.fcb = fcb
        self.fcvOrDFC = fcvOrDFC
    }

    public var byte: UInt8 {
        var b: UInt8 = 0
        if fromMaster { b |= 0x80 }
        switch function {
        case .primary(let f): b |= 0x40 | f.rawValue
        case .secondary(let f): b |= f.rawValue
        }
        if fcb { b |= 0x20 }
        if fcvOrDFC { b |= 0x10 }
        return b
    }

    /// `nil` for a function code the standard does not define.
    public init?(byte: UInt8) {
        fromMaster = byte & 0x80 != 0
        fcb = byte & 0x20 != 0
        fcvOrDFC = byte & 0x10 != 0
        let code = byte & 0x0F
        if byte & 0x40 != 0 {
            guard let f = LinkFunction.Primary(rawValue: code) else { return nil }
            function = .primary(f)
        } else {
            guard let f = LinkFunction.Secondary(rawValue: code) else { return nil }
            function = .secondary(f)
        }
    }
}
