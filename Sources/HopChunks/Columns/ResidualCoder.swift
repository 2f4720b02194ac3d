/// Codes a sequence of signed residuals (deltas, delta-of-deltas) as zigzag values in blocks of
/// ``ChunkFormat/residualBlockLength``, each block Rice-coded with the parameter that makes it
/// smallest, or marked all-zero.
///
/// Block header, 6 bits: `0` = every value of the block is 0 (nothing follows); `h` in 1...63 =
/// Rice parameter `k = h − 1`. Each value `z` then is `q = z >> k` one-bits, a zero bit and the low
/// `k` bits of `z`; when `q` ≥ ``ChunkFormat/riceEscapeQuotient`` it is that many one-bits (no
/// zero bit) followed by `z` in 64 bits.
enum ResidualCoder {
    static func encode(_ residuals: [Int64], into writer: inout BitWriter) {
        let blockLength = ChunkFormat.residualBlockLength
        var zigzag = [UInt64](repeating: 0, count: min(blockLength, residuals.count))
        var start = 0
        while start < residuals.count {
            let end = min(start + blockLength, residuals.count)
            let n = end - start
            var allZero = true
            for i in 0..<n {
                zigzag[i] = ZigZag.encode(residuals[start + i])
                if zigzag[i] != 0 { allZero = false }
            }
            if allZero {
                writer.write(0, count: 6)
            } else {
                let k = bestParameter(zigzag[0..<n])
                writer.write(UInt64(k + 1), count: 6)
                for z in zigzag[0..<n] { writeRice(z, k: k, into: &writer) }
            }
            start = end
        }
    }

    static func decode(count: Int, from reader: inout BitReader, _ field: @autoclosure () -> String) throws(ChunkError) -> [Int64] {
        var out = [Int64]()
        out.reserveCapacity(count)
        let escape = ChunkFormat.riceEscapeQuotient
        while out.count < count {
            let n = min(ChunkFormat.residualBlockLength, count - out.count)
            let header = Int(try reader.read(6, "\(field()).block"))
            if header == 0 {
                out.append(contentsOf: repeatElement(0, count: n))
                continue
            }
            let k = header - 1
            for _ in 0..<n {
                let q = try reader.ones(upTo: escape, "\(field()).quotient")
                let z: UInt64
                if q == escape {
                    z = try reader.read(64, "\(field()).escaped")
                } else {
                    z = (UInt64(q) &<< UInt64(k)) | (try reader.read(k, "\(field()).remainder"))
                }
                out.append(ZigZag.decode(z))
            }
        }
        return out
    }

    /// Bits `encode` would write for these residuals, without writing them.
    static func cost(_ residuals: [Int64]) -> Int {
        var bits = 0
        var zigzag = [UInt64]()
        zigzag.reserveCapacity(ChunkFormat.residualBlockLength)
        var start = 0
        while start < residuals.count {
            let end = min(start + ChunkFormat.residualBlockLength, residuals.count)
            zigzag.removeAll(keepingCapacity: true)
            var allZero = true
            for r in residuals[start..<end] {
                let z = ZigZag.encode(r)
                if z != 0 { allZero = false }
                zigzag.append(z)
            }
            bits += 6
            if !allZero { bits += cost(zigzag[...], k: bestParameter(zigzag[...])) }
            start = end
        }
        return bits
    }

    private static func writeRice(_ z: UInt64, k: Int, into writer: inout BitWriter) {
        let q = z >> UInt64(k)
        let escape = UInt64(ChunkFormat.riceEscapeQuotient)
        if q >= escape {
            writer.write((1 << escape) - 1, count: Int(escape))
            writer.write(z, count: 64)
        } else {
            // q one-bits and the terminating zero bit.
            writer.write(((1 << q) - 1) << 1, count: Int(q) + 1)
            writer.write(z, count: k)
        }
    }

    /// The Rice parameter near log2(mean) that codes the block in the fewest bits.
    private static func bestParameter(_ values: ArraySlice<UInt64>) -> Int {
        var sum = 0.0
        for z in values { sum += Double(z) }
        let mean = sum / Double(values.count)
        let guess = mean < 2 ? 0 : min(Int(mean.exponent), 62)
        var best = (k: 0, bits: Int.max)
        for k in max(0, guess - 2)...min(62, guess + 1) {
            let bits = cost(values, k: k)
            if bits < best.bits { best = (k, bits) }
        }
        return best.k
    }

    private static func cost(_ values: ArraySlice<UInt64>, k: Int) -> Int {
        let escape = UInt64(ChunkFormat.riceEscapeQuotient)
        var bits = 0
        for z in values {
            let q = z >> UInt64(k)
            bits += q >= escape ? Int(escape) + 64 : Int(q) + 1 + k
        }
        return bits
    }
}
