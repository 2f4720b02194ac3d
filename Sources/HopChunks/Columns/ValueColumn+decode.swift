extension ValueColumn {
    /// Decodes a value column of `count` points of which `presentCount` have a value.
    static func decode(
        _ bytes: [UInt8], section: Range<Int>, count: Int, presentCount: Int, field: String
    ) throws(ChunkError) -> [Double?] {
        let (present, values) = try decodePresent(bytes, section: section, count: count, presentCount: presentCount, field: field)
        var column = [Double?]()
        column.reserveCapacity(count)
        var next = 0
        for p in present {
            if p {
                column.append(values[next])
                next += 1
            } else {
                column.append(nil)
            }
        }
        return column
    }

    /// Decodes a value column into which of the `count` points have a value and the
    /// `presentCount` values, in order (no optional per point).
    static func decodePresent(
        _ bytes: [UInt8], section: Range<Int>, count: Int, presentCount: Int, field: String
    ) throws(ChunkError) -> (present: [Bool], values: [Double]) {
        guard presentCount > 0 else {
            guard section.isEmpty else {
                throw .corrupt(ChunkCorruption(
                    kind: .trailingBytes, offset: section.lowerBound, field: field,
                    expected: "empty section (no values)", found: "\(section.count) bytes"))
            }
            return (Array(repeating: false, count: count), [])
        }
        var head = ByteReader(bytes, from: section.lowerBound, end: section.upperBound)
        let kindOffset = head.offset
        let kindByte = try head.byte("\(field).kind")
        guard let kind = Kind(rawValue: kindByte) else {
            throw .invalid(at: kindOffset, "\(field).kind", expected: "1 (decimal) or 2 (xor)", found: "\(kindByte)")
        }
        let presenceOffset = head.offset
        let presenceByte = try head.byte("\(field).presence")
        guard let presence = PresenceCoder.Mode(rawValue: presenceByte),
            (presence == .allPresent) == (presentCount == count)
        else {
            throw .invalid(
                at: presenceOffset, "\(field).presence",
                expected: presentCount == count ? "0 (all present)" : "1 (bitmap) or 2 (runs)", found: "\(presenceByte)")
        }

        let values: [Double]
        let present: [Bool]
        switch kind {
        case .xor:
            var bits = BitReader(bytes, from: head.offset, end: section.upperBound)
            present = try PresenceCoder.decode(
                mode: presence, count: count, presentCount: presentCount, from: &bits, field)
            values = try XORCoder.decode(count: presentCount, from: &bits, "\(field).xor")
            try bits.finish(field)
        case .decimal:
            (present, values) = try decodeDecimal(
                &head, presence: presence, count: count, presentCount: presentCount, section: section, field: field)
        }
        return (present, values)
    }

    private static func decodeDecimal(
        _ head: inout ByteReader, presence: PresenceCoder.Mode, count: Int, presentCount: Int,
        section: Range<Int>, field: String
    ) throws(ChunkError) -> (present: [Bool], values: [Double]) {
        let scaleOffset = head.offset
        let scale = Int(try head.byte("\(field).scale"))
        guard scale <= ChunkFormat.maxDecimalScale else {
            throw .invalid(at: scaleOffset, "\(field).scale", expected: "0...\(ChunkFormat.maxDecimalScale)", found: "\(scale)")
        }
        let orderOffset = head.offset
        let order = try head.byte("\(field).order")
        guard order == 1 || order == 2 else {
            throw .invalid(at: orderOffset, "\(field).order", expected: "1 or 2", found: "\(order)")
        }
        let exceptionCount = try head.count("\(field).exceptions", in: 0...(presentCount - 1))
        let first = try head.varint("\(field).first")

        var bits = BitReader(head.bytes, from: head.offset, end: section.upperBound)
        let present = try PresenceCoder.decode(
            mode: presence, count: count, presentCount: presentCount, from: &bits, field)
        var exceptions = [(index: Int, value: Double)]()
        var index = -1
        for _ in 0..<exceptionCount {
            let gapOffset = bits.offset
            let gap = try bits.gamma(maxBits: 33, "\(field).exception")
            guard gap <= UInt64(presentCount - 1 - index) else {
                throw .invalid(at: gapOffset, "\(field).exception", expected: "index below \(presentCount)", found: "gap \(gap)")
            }
            index += Int(gap)
            let raw = Double(bitPattern: try bits.read(64, "\(field).exception"))
            guard raw.isFinite else {
                throw .invalid(at: bits.offset, "\(field).exception", expected: "a finite value", found: "\(raw)")
            }
            exceptions.append((index, raw))
        }
        let mantissaCount = presentCount - exceptionCount
        let residuals = try ResidualCoder.decode(count: mantissaCount - 1, from: &bits, "\(field).residuals")
        try bits.finish(field)

        var values = [Double]()
        values.reserveCapacity(presentCount)
        var nextException = 0
        var mantissa = first
        var delta: Int64 = 0
        var nextResidual = 0
        var mantissasRead = 0
        for i in 0..<presentCount {
            if nextException < exceptions.count && exceptions[nextException].index == i {
                values.append(exceptions[nextException].value)
                nextException += 1
                continue
            }
            if mantissasRead > 0 {
                let r = residuals[nextResidual]
                nextResidual += 1
                delta = order == 1 || mantissasRead == 1 ? r : delta &+ r
                mantissa = mantissa &+ delta
            }
            mantissasRead += 1
            guard mantissa.magnitude <= UInt64(ChunkFormat.maxMantissaMagnitude) else {
                throw .invalid(
                    at: section.lowerBound, "\(field).residuals", expected: "mantissas within ±2^53",
                    found: "\(mantissa) at value \(i)")
            }
            values.append(DecimalScale.value(mantissa, scale: scale))
        }
        return (present, values)
    }
}
