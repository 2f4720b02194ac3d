extension IIN {
    /// Internal indications an outstation sets, by name.
    public static func outstation(
        class1Events: Bool = false, class2Events: Bool = false, class3Events: Bool = false, needTime: Bool = false,
        deviceRestart: Bool = false, noFunctionCodeSupport: Bool = false, objectUnknown: Bool = false,
        parameterError: Bool = false, eventBufferOverflow: Bool = false
    ) -> IIN {
        func bit(_ on: Bool, _ mask: UInt8) -> UInt8 { on ? mask : 0 }
        return IIN(
            iin1: bit(class1Events, 0x02) | bit(class2Events, 0x04) | bit(class3Events, 0x08) | bit(needTime, 0x10)
                | bit(deviceRestart, 0x80),
            iin2: bit(noFunctionCodeSupport, 0x01) | bit(objectUnknown, 0x02) | bit(parameterError, 0x04)
                | bit(eventBufferOverflow, 0x08))
    }
}
