/// Internal indications, the two octets after a response's function code.
public struct IIN: Hashable, Sendable, CustomStringConvertible {
    public var iin1: UInt8
    public var iin2: UInt8

    public init(iin1: UInt8 = 0, iin2: UInt8 = 0) {
        self.iin1 = iin1
        self.iin2 = iin2
    }

    public var broadcast: Bool { iin1 & 0x01 != 0 }
    public var class1Events: Bool { iin1 & 0x02 != 0 }
    public var class2Events: Bool { iin1 & 0x04 != 0 }
    public var class3Events: Bool { iin1 & 0x08 != 0 }
    /// IIN1.4: the outstation wants its clock set.
    public var needTime: Bool { iin1 & 0x10 != 0 }
    public var localControl: Bool { iin1 & 0x20 != 0 }
    public var deviceTrouble: Bool { iin1 & 0x40 != 0 }
    /// IIN1.7: the outstation restarted; the master clears it and polls everything.
    public var deviceRestart: Bool { iin1 & 0x80 != 0 }
    public var noFunctionCodeSupport: Bool { iin2 & 0x01 != 0 }
    /// IIN2.1: a requested object is unknown to the outstation.
    public var objectUnknown: Bool { iin2 & 0x02 != 0 }
    public var parameterError: Bool { iin2 & 0x04 != 0 }
    public var eventBufferOverflow: Bool { iin2 & 0x08 != 0 }
    public var alreadyExecuting: Bool { iin2 & 0x10 != 0 }
    public var configCorrupt: Bool { iin2 & 0x20 != 0 }

    /// Names of the bits set, e.g. `DEVICE_RESTART NEED_TIME`.
    public var names: [String] {
        let bits: [(Bool, String)] = [
            (broadcast, "BROADCAST"), (class1Events, "CLASS_1_EVENTS"), (class2Events, "CLASS_2_EVENTS"),
            (class3Events, "CLASS_3_EVENTS"), (needTime, "NEED_TIME"), (localControl, "LOCAL_CONTROL"),
            (deviceTrouble, "DEVICE_TROUBLE"), (deviceRestart, "DEVICE_RESTART"),
            (noFunctionCodeSupport, "NO_FUNC_CODE_SUPPORT"), (objectUnknown, "OBJECT_UNKNOWN"),
            (parameterError, "PARAMETER_ERROR"), (eventBufferOverflow, "EVENT_BUFFER_OVERFLOW"),
            (alreadyExecuting, "ALREADY_EXECUTING"), (configCorrupt, "CONFIG_CORRUPT"),
        ]
        return bits.filter(\.0).map(\.1)
    }

    /// Whether the outstation refused the request (unsupported function, unknown object, bad parameter).
    public var refused: Bool { noFunctionCodeSupport || objectUnknown || parameterError }

    public var description: String { names.isEmpty ? "none" : names.joined(separator: " ") }
}
