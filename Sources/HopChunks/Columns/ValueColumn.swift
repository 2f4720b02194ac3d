/// One value column's section: presence, then the present values as decimals (with raw-bit
/// exceptions) or, when that is smaller or impossible, as XORed raw bits.
///
/// Layout (empty when no point has a value): `kind` byte (1 = decimal, 2 = XOR), `presence` byte
/// (``PresenceCoder/Mode``); decimal only: `scale` byte (0...18), `order` byte (1 = delta,
/// 2 = delta-of-delta), `exceptions` uvarint, `first mantissa` signed varint; then one bit stream:
/// presence bits, for decimal the exceptions (gamma-coded index gap + 64 raw bits each) and the
/// mantissa residuals (``ResidualCoder``), for XOR the ``XORCoder`` stream; zero padding.
enum ValueColumn {
    enum Kind: UInt8 {
        case decimal = 1
        case xor = 2
    }

    static func encode(_ column: [Double?]) -> [UInt8] {
        var present = [Bool]()
        present.reserveCapacity(column.count)
        var values = [Double]()
        values.reserveCapacity(column.count)
        for v in column {
            present.append(v != nil)
            if let v { values.append(v) }
        }
        guard !values.isEmpty else { return [] }
        let presence = PresenceCoder.mode(for: present, presentCount: values.count)

        var best: [UInt8]? = nil
        if let plan = DecimalPlan(values: values) {
            best = encodeDecimal(plan, present: present, presence: presence)
            if plan.exceptionIndexes.isEmpty { return best ?? [] }
        }
        var head = ByteWriter()
        head.byte(Kind.xor.rawValue)
        head.byte(presence.rawValue)
        var bits = BitWriter()
        PresenceCoder.encode(present, mode: presence, into: &bits)
        XORCoder.encode(values, into: &bits)
        head.append(bits.finished())
        if let best, best.count <= head.bytes.count { return best }
        return head.bytes
    }

    private static func encodeDecimal(_ plan: DecimalPlan, present: [Bool], presence: PresenceCoder.Mode) -> [UInt8] {
        let m = plan.mantissas
        var best: (order: UInt8, residuals: [Int64])? = nil
        var bestCost = Int.max
        for order in [UInt8(1), 2] {
            var residuals = [Int64]()
            residuals.reserveCapacity(max(m.count - 1, 0))
            for i in m.indices.dropFirst() {
                let delta = m[i] &- m[i - 1]
                residuals.append(order == 1 || i == 1 ? delta : delta &- (m[i - 1] &- m[i - 2]))
            }
            let cost = ResidualCoder.cost(residuals)
            if cost < bestCost { (best, bestCost) = ((order, residuals), cost) }
        }
        guard let best else { return [] }
        var head = ByteWriter()
        head.byte(Kind.decimal.rawValue)
        head.byte(presence.rawValue)
        head.byte(UInt8(plan.scale))
        head.byte(best.order)
        head.uvarint(UInt64(plan.exceptionIndexes.count))
        head.varint(m[0])
        var bits = BitWriter()
        PresenceCoder.encode(present, mode: presence, into: &bits)
        var previous = -1
        for (index, raw) in zip(plan.exceptionIndexes, plan.exceptionBits) {
            bits.gamma(UInt64(index - previous))
            bits.write(raw, count: 64)
            previous = index
        }
        ResidualCoder.encode(best.residuals, into: &bits)
        head.append(bits.finished())
        return head.bytes
    }
}
