/// The application control octet: FIR, FIN, CON (confirm requested), UNS (unsolicited) and a 4-bit
/// sequence number.
public struct AppControl: Hashable, Sendable {
    public var fir: Bool
    public var fin: Bool
    public var con: Bool
    public var uns: Bool
    public var sequence: UInt8

    public init(fir: Bool = true, fin: Bool = true, con: Bool = false, uns: Bool = false, sequence: UInt8) {
        self.fir = fir
        self.fin = fin
        self.con = con
        self.uns = uns
        self.sequence = sequence & 0x0F
    }

    public init(byte: UInt8) {
        fir = byte & 0x80 != 0
        fin = byte & 0x40 != 0
        con = byte & 0x20 != 0
        uns = byte & 0x10 != 0
        sequence = byte & 0x0F
    }

    public var byte: UInt8 {
        (fir ? 0x80 : 0) | (fin ? 0x40 : 0) | (con ? 0x20 : 0) | (uns ? 0x10 : 0) | sequence
    }
}
