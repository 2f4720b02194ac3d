/// 16-bit values: one register, bytes swapped for `BADC` and `DCBA`.
enum Decode16 {
    static func word(_ register: UInt16, _ order: ByteOrder) -> UInt16 {
        order.swapsBytes ? register.byteSwapped : register
    }

    /// Registers holding `value` in `order` (inverse of `word`; used by tests and the simulator).
    static func encode(_ value: UInt16, _ order: ByteOrder) -> [UInt16] {
        [order.swapsBytes ? value.byteSwapped : value]
    }
}
