/// The timestamp section: the deltas between consecutive timestamps, coded against a stride
/// (the chunk's median delta) or as delta-of-deltas, whichever is smaller.
///
/// Layout (only when the chunk has ≥ 2 points; empty otherwise): `mode` byte (0 = stride,
/// 1 = delta-of-delta), `stride` signed varint, then a bit stream of `count − 1` residuals
/// (``ResidualCoder``). With `d_i = ts_i − ts_(i−1)` and `d_0 = stride`, the residual is
/// `d_i − stride` in mode 0 and `d_i − d_(i−1)` in mode 1. Arithmetic wraps modulo 2^64.
enum TimestampColumn {
    enum Mode: UInt8 {
        case stride = 0
        case deltaOfDelta = 1
    }

    static func encode(_ timestamps: [Int64]) -> [UInt8] {
        guard timestamps.count >= 2 else { return [] }
        var deltas = [Int64]()
        deltas.reserveCapacity(timestamps.count - 1)
        for i in 1..<timestamps.count { deltas.append(timestamps[i] &- timestamps[i - 1]) }
        let stride = deltas.sorted()[deltas.count / 2]

        var best: [UInt8] = []
        for mode in [Mode.stride, .deltaOfDelta] {
            var residuals = [Int64]()
            residuals.reserveCapacity(deltas.count)
            var previous = stride
            for d in deltas {
                residuals.append(mode == .stride ? d &- stride : d &- previous)
                previous = d
            }
            var head = ByteWriter()
            head.byte(mode.rawValue)
            head.varint(stride)
            var bits = BitWriter()
            ResidualCoder.encode(residuals, into: &bits)
            head.append(bits.finished())
            if best.isEmpty || head.bytes.count < best.count { best = head.bytes }
        }
        return best
    }

    /// Decodes `count` timestamps starting at `first`; they must be strictly increasing and end
    /// at `last`.
    static func decode(
        _ bytes: [UInt8], section: Range<Int>, count: Int, first: Int64, last: Int64
    ) throws(ChunkError) -> [Int64] {
        let field = "ts"
        guard count >= 2 else {
            guard section.isEmpty else {
                throw .corrupt(ChunkCorruption(
                    kind: .trailingBytes, offset: section.lowerBound, field: field,
                    expected: "empty section for a one-point chunk", found: "\(section.count) bytes"))
            }
            return [first]
        }
        var head = ByteReader(bytes, from: section.lowerBound, end: section.upperBound)
        let modeOffset = head.offset
        let modeByte = try head.byte("\(field).mode")
        guard let mode = Mode(rawValue: modeByte) else {
            throw .invalid(at: modeOffset, "\(field).mode", expected: "0 or 1", found: "\(modeByte)")
        }
        let stride = try head.varint("\(field).stride")
        var bits = BitReader(bytes, from: head.offset, end: section.upperBound)
        let residuals = try ResidualCoder.decode(count: count - 1, from: &bits, "\(field).residuals")
        try bits.finish(field)

        var timestamps = [Int64]()
        timestamps.reserveCapacity(count)
        timestamps.append(first)
        var previousDelta = stride
        var t = first
        for r in residuals {
            let delta = mode == .stride ? stride &+ r : previousDelta &+ r
            let next = t &+ delta
            guard next > t else {
                throw .invalid(
                    at: section.lowerBound, field, expected: "strictly increasing timestamps",
                    found: "\(next) after \(t) at point \(timestamps.count)")
            }
            timestamps.append(next)
            previousDelta = delta
            t = next
        }
        guard t == last else {
            throw .invalid(at: section.lowerBound, field, expected: "last ts \(last) from the header", found: "\(t)")
        }
        return timestamps
    }
}
