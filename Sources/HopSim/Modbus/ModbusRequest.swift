/// The parts of a Modbus TCP request (MBAP header + PDU) the simulator routes on.
struct ModbusRequest: Sendable, Hashable {
    /// Unit id (byte 6 of the MBAP header).
    var unit: Int
    /// Function code.
    var function: UInt8
    /// Starting address and quantity, for the functions that have them.
    var address: Int
    var quantity: Int

    /// Reads the fields from a received ADU; missing bytes read as 0 (libmodbus has checked lengths).
    init(adu: [UInt8]) {
        unit = adu.count > 6 ? Int(adu[6]) : -1
        function = adu.count > 7 ? adu[7] : 0
        address = adu.count > 9 ? Int(adu[8]) << 8 | Int(adu[9]) : 0
        quantity = adu.count > 11 ? Int(adu[10]) << 8 | Int(adu[11]) : 0
    }

    /// Read holding registers (3).
    var readsHoldingRegisters: Bool { function == 3 }
    /// Write single coil (5) or multiple coils (15).
    var writesCoils: Bool { function == 5 || function == 15 }
    /// Write single (6) / multiple (16) registers, mask write (22), read/write multiple (23).
    var writesRegisters: Bool { [6, 16, 22, 23].contains(function) }
}
