/// Decodes register-backed values. One entry point; the per-width work is in
/// `Decode16.swift`, `Decode32.swift` and `Decode64.swift`.
public enum RegisterDecoder {
    /// The engineering value of `spec` whose first register is `registers[offset]`:
    /// `raw * scale + offset`. `nil` when the response is too short or the value is not finite.
    public static func value(_ registers: [UInt16], at offset: Int, spec: PointSpec) -> Double? {
        guard let raw = raw(registers, at: offset, type: spec.type, order: spec.order) else { return nil }
        let value = raw * spec.scale + spec.offset
        return value.isFinite ? value : nil
    }

    /// The raw (unscaled) value of `type` in byte order `order` starting at `registers[offset]`.
    public static func raw(_ registers: [UInt16], at offset: Int, type: RegisterType, order: ByteOrder) -> Double? {
        guard offset >= 0, offset + type.registerCount <= registers.count else { return nil }
        switch type {
        case .int16: return Double(Int16(bitPattern: Decode16.word(registers[offset], order)))
        case .uint16: return Double(Decode16.word(registers[offset], order))
        case .int32: return Double(Int32(bitPattern: Decode32.bits(registers, offset, order)))
        case .uint32: return Double(Decode32.bits(registers, offset, order))
        // The float's exact value (60.02f reads 60.020000457763672): shortest-decimal conversion
        // would cost more than the rest of the decode; displays round.
        case .float32: return Double(Float(bitPattern: Decode32.bits(registers, offset, order)))
        case .float64: return Double(bitPattern: Decode64.bits(registers, offset, order))
        }
    }
}
