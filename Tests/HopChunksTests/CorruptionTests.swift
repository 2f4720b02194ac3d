import Testing

@testable import HopChunks

@Suite("Damaged chunks are reported, never trusted")
struct CorruptionTests {
    /// A few chunks exercising every section kind: decimal with exceptions, XOR, bitmaps, runs.
    private static func samples() throws -> [[UInt8]] {
        var random = SplitMix64(seed: 2024)
        var chunks = [[UInt8]]()
        chunks.append(try ChunkEncoder.encode(ReferenceSeries.feeder(seed: 1, startMs: 0, seconds: 300)))
        chunks.append(try ChunkEncoder.encode([ChunkPoint(ts: 5, voltageKV: 1.5)]))
        for _ in 0..<6 {
            chunks.append(try ChunkEncoder.encode(RandomSeries.points(1 + Int(random.next() % 120), using: &random)))
        }
        return chunks
    }

    private func corruption(_ bytes: [UInt8], verifying: Bool = true) -> ChunkCorruption? {
        do {
            _ = try ChunkDecoder.decode(bytes, verifyingChecksum: verifying)
            return nil
        } catch {
            guard case .corrupt(let corruption) = error else { return nil }
            return corruption
        }
    }

    @Test("every truncation is reported, with and without the checksum check")
    func truncation() throws {
        for chunk in try Self.samples() {
            for length in 0..<chunk.count {
                let cut = Array(chunk.prefix(length))
                #expect(corruption(cut) != nil, "length \(length) of \(chunk.count)")
                let structural = corruption(cut, verifying: false)
                #expect(structural != nil, "length \(length) of \(chunk.count), no checksum")
                #expect((structural?.offset ?? -1) <= length)
            }
        }
        #expect(corruption([])?.kind == .truncated)
        #expect(corruption([])?.offset == 0)
    }

    @Test("every single-bit flip is detected")
    func bitFlips() throws {
        for chunk in try Self.samples() {
            for bit in 0..<(chunk.count * 8) {
                var damaged = chunk
                damaged[bit / 8] ^= 1 << UInt8(bit % 8)
                #expect(corruption(damaged) != nil, "bit \(bit) of \(chunk.count) bytes")
            }
        }
    }

    @Test("without the checksum, flipped bits and garbage either throw or decode, never trap", arguments: 0..<4)
    func structuralFuzz(seed: UInt64) throws {
        var random = SplitMix64(seed: 77 + seed)
        for chunk in try Self.samples() {
            for _ in 0..<300 {
                var damaged = chunk
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let index = Int(random.next() % UInt64(damaged.count))
                    if random.chance(0.5) {
                        damaged[index] ^= 1 << UInt8(random.next() % 8)
                    } else {
                        damaged[index] = UInt8(truncatingIfNeeded: random.next())
                    }
                }
                if let points = try? ChunkDecoder.decode(damaged, verifyingChecksum: false) {
                    // Whatever decodes is still a valid chunk's content.
                    #expect(!points.isEmpty && points.count <= ChunkFormat.maxPoints)
                    #expect(zip(points, points.dropFirst()).allSatisfy { $0.ts < $1.ts })
                    #expect(points.allSatisfy { p in ChunkColumn.allCases.allSatisfy { p[$0]?.isFinite ?? true } })
                }
            }
        }
        for _ in 0..<2_000 {
            let garbage = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? ChunkDecoder.decode([1] + garbage, verifyingChecksum: false)
        }
    }

    @Test("an unknown version is reported at byte 0")
    func version() throws {
        var chunk = try ChunkEncoder.encode([ChunkPoint(ts: 1, currentA: 3)])
        chunk[0] = 2
        #expect(corruption(chunk)?.kind == .unsupportedVersion)
        #expect(corruption(chunk)?.offset == 0)
        #expect(throws: ChunkError.self) { try ChunkDecoder.header(chunk) }
    }

    @Test("trailing garbage is reported")
    func trailingGarbage() throws {
        let chunk = try ChunkEncoder.encode(ReferenceSeries.feeder(seed: 3, startMs: 0, seconds: 60))
        let extended = chunk + [0]
        #expect(corruption(extended)?.kind == .checksumMismatch)
        // With the checksum recomputed over the extra byte, the structure still refuses it.
        let body = Array(chunk.dropLast(4)) + [0]
        var resealed = ByteWriter()
        resealed.append(body)
        resealed.uint32BigEndian(CRC32C.checksum(body, 0..<body.count))
        let found = corruption(resealed.bytes)
        #expect(found?.kind == .trailingBytes)
        #expect(found?.offset == body.count - 1)
    }

    @Test("a count that does not fit the data is reported")
    func countMismatch() throws {
        let points = (0..<10).map { ChunkPoint(ts: Int64($0) * 1_000, voltageKV: 230) }
        var chunk = try ChunkEncoder.encode(points)
        chunk[1] = 200  // header.count: 10 → 200 points
        let found = corruption(chunk, verifying: false)
        #expect(found != nil)
        #expect(corruption(chunk)?.kind != nil)
    }

    @Test("the CRC-32C matches the standard check value")
    func crcCheckValue() {
        let bytes = Array("123456789".utf8)
        #expect(CRC32C.checksum(bytes, 0..<bytes.count) == 0xE306_9283)
    }
}
