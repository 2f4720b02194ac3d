import HopChunks
import Testing

@Suite("Compression on the reference shape")
struct CompressionTests {
    /// Bytes per reading, per part, for the given feeders cut into chunks of `blockSeconds`.
    struct Measure: CustomStringConvertible {
        var readings = 0
        var chunks = 0
        var header = 0
        var timestamps = 0
        var columns = [0, 0, 0, 0]
        var checksum = 0
        var total: Int { header + timestamps + columns.reduce(0, +) + checksum }

        mutating func add(_ chunk: [UInt8], readings n: Int) throws {
            let layout = try ChunkDecoder.layout(chunk)
            readings += n
            chunks += 1
            header += layout.headerBytes
            timestamps += layout.timestampBytes
            for column in ChunkColumn.allCases { columns[column.rawValue] += layout.bytes(column) }
            checksum += layout.checksumBytes
        }

        func perReading(_ bytes: Int) -> String {
            let value = Double(bytes) / Double(max(readings, 1))
            return String(Int(value * 1000 + 0.5)).paddedThousandths
        }

        var description: String {
            "\(perReading(total)) B/reading (header+crc \(perReading(header + checksum)), ts \(perReading(timestamps)), "
                + ChunkColumn.allCases.map { "\($0) \(perReading(columns[$0.rawValue]))" }.joined(separator: ", ")
                + "), \(chunks) chunks"
        }
    }

    static let start: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z, block-aligned

    static func measure(feeders: Int, hours: Int, blockSeconds: Int, stepScale: Double = 1) throws -> Measure {
        var measure = Measure()
        for feeder in 0..<feeders {
            let points = ReferenceSeries.feeder(
                seed: UInt64(feeder) + 1, startMs: start, seconds: hours * 3_600, stepScale: stepScale)
            let blockMs = Int64(blockSeconds) * 1_000
            var index = 0
            while index < points.count {
                let block = (points[index].ts - start) / blockMs
                var end = index
                while end < points.count && (points[end].ts - start) / blockMs == block { end += 1 }
                let chunkPoints = Array(points[index..<end])
                let chunk = try ChunkEncoder.encode(chunkPoints)
                try measure.add(chunk, readings: chunkPoints.count)
                index = end
            }
        }
        return measure
    }

    @Test("a feeder's 6 h at 1 Hz in 2 h chunks takes at most 4 bytes per reading")
    func referenceShape() throws {
        let measure = try Self.measure(feeders: 2, hours: 6, blockSeconds: 7_200)
        print("reference shape, 2 h chunks: \(measure)")
        #expect(Double(measure.total) / Double(measure.readings) <= 4.0, "\(measure)")
    }

    @Test("block length trade-off and noisier data (printed, loosely bounded)")
    func tradeOffs() throws {
        for minutes in [10, 30, 60, 120, 360] {
            let measure = try Self.measure(feeders: 1, hours: 6, blockSeconds: minutes * 60)
            print("\(minutes) min chunks: \(measure)")
            #expect(Double(measure.total) / Double(measure.readings) <= 4.5)
        }
        for scale in [0.5, 2, 4] {
            let measure = try Self.measure(feeders: 1, hours: 2, blockSeconds: 7_200, stepScale: scale)
            print("steps × \(scale), 2 h chunks: \(measure)")
        }
    }
}

extension String {
    /// "2431" → "2.431" (an integer count of thousandths as a decimal).
    fileprivate var paddedThousandths: String {
        let digits = count < 4 ? String(repeating: "0", count: 4 - count) + self : self
        return digits.dropLast(3) + "." + digits.suffix(3)
    }
}
