/// 64-bit values over four registers: the 32-bit rule extended, i.e. `CDAB`/`DCBA` put the least
/// significant word first and `BADC`/`DCBA` swap the bytes of each register.
enum Decode64 {
    static func bits(_ registers: [UInt16], _ offset: Int, _ order: ByteOrder) -> UInt64 {
        var words = (0..<4).map { Decode16.word(registers[offset + $0], order) }
        if order.swapsWords { words.reverse() }
        return words.reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
    }

    /// Registers holding `bits` in `order` (inverse of `bits(_:_:_:)`).
    static func encode(_ bits: UInt64, _ order: ByteOrder) -> [UInt16] {
        var words = (0..<4).map { UInt16(truncatingIfNeeded: bits >> (48 - 16 * UInt64($0))) }
        if order.swapsWords { words.reverse() }
        return words.map { order.swapsBytes ? $0.byteSwapped : $0 }
    }
}
