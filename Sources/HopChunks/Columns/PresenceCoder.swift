/// Which points of a chunk have a value in a column.
///
/// Modes: 0 = every point has one (no bits), 1 = bitmap (one bit per point, 1 = present),
/// 2 = runs (alternating present/absent run lengths as Elias gamma codes, starting with a
/// present run coded as length + 1 so it may be empty; every later run is ≥ 1). The encoder picks
/// the smaller of bitmap and runs.
enum PresenceCoder {
    enum Mode: UInt8 {
        case allPresent = 0
        case bitmap = 1
        case runs = 2
    }

    static func mode(for present: [Bool], presentCount: Int) -> Mode {
        if presentCount == present.count { return .allPresent }
        return runsCost(present) < present.count ? .runs : .bitmap
    }

    static func encode(_ present: [Bool], mode: Mode, into writer: inout BitWriter) {
        switch mode {
        case .allPresent:
            return
        case .bitmap:
            for p in present { writer.bit(p) }
        case .runs:
            for (i, run) in runs(present).enumerated() {
                writer.gamma(UInt64(i == 0 ? run + 1 : run))
            }
        }
    }

    static func decode(
        mode: Mode, count: Int, presentCount: Int, from reader: inout BitReader, _ field: String
    ) throws(ChunkError) -> [Bool] {
        let start = reader.offset
        var present: [Bool]
        switch mode {
        case .allPresent:
            present = Array(repeating: true, count: count)
        case .bitmap:
            present = []
            present.reserveCapacity(count)
            let bitmapField = "\(field).bitmap"
            for _ in 0..<count { present.append(try reader.bit(bitmapField)) }
        case .runs:
            present = []
            present.reserveCapacity(count)
            var value = true
            var isFirstRun = true
            while present.count < count {
                let runOffset = reader.offset
                let code = try reader.gamma(maxBits: 33, "\(field).run")
                let run = isFirstRun ? code - 1 : code
                isFirstRun = false
                guard run <= UInt64(count - present.count) else {
                    throw .invalid(
                        at: runOffset, "\(field).run", expected: "run of at most \(count - present.count) points",
                        found: "\(run)")
                }
                present.append(contentsOf: repeatElement(value, count: Int(run)))
                value.toggle()
            }
        }
        let found = present.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard found == presentCount else {
            throw .invalid(at: start, field, expected: "\(presentCount) present values (header)", found: "\(found)")
        }
        return present
    }

    private static func runs(_ present: [Bool]) -> [Int] {
        var runs = [Int]()
        var value = true
        var length = 0
        for p in present {
            if p == value {
                length += 1
            } else {
                runs.append(length)
                value = p
                length = 1
            }
        }
        runs.append(length)
        return runs
    }

    private static func runsCost(_ present: [Bool]) -> Int {
        var bits = 0
        for (i, run) in runs(present).enumerated() {
            let code = UInt64(i == 0 ? run + 1 : run)
            bits += 2 * (64 - code.leadingZeroBitCount) - 1
        }
        return bits
    }
}
