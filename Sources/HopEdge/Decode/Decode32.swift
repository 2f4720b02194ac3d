/// 32-bit values over two registers: `ABCD` high word first, `CDAB` low word first, `BADC`/`DCBA`
/// the same with the bytes of each register swapped.
enum Decode32 {
    static func bits(_ registers: [UInt16], _ offset: Int, _ order: ByteOrder) -> UInt32 {
        let first = Decode16.word(registers[offset], order)
        let second = Decode16.word(registers[offset + 1], order)
        let (high, low) = order.swapsWords ? (second, first) : (first, second)
        return UInt32(high) << 16 | UInt32(low)
    }

    /// Registers holding `bits` in `order` (inverse of `bits(_:_:_:)`).
    static func encode(_ bits: UInt32, _ order: ByteOrder) -> [UInt16] {
        let high = UInt16(truncatingIfNeeded: bits >> 16)
        let low = UInt16(truncatingIfNeeded: bits)
        let words = order.swapsWords ? [low, high] : [high, low]
        return words.map { order.swapsBytes ? $0.byteSwapped : $0 }
    }
}
