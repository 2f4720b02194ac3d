/// A command line that could not be understood, with the reason.
public struct CommandError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads the text form of `SimCommand`s, checking ids against the run's size.
public struct CommandParser: Sendable {
    public var substations: Int
    public var feeders: Int

    public init(substations: Int, feeders: Int) {
        self.substations = substations
        self.feeders = feeders
    }

    /// Parses one line such as `trip SUB001 FDR002`. Words are separated by blanks; case is ignored.
    public func parse(_ line: String) throws(CommandError) -> SimCommand {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
        guard let verb = words.first?.lowercased() else { throw CommandError("empty command") }
        let args = Array(words.dropFirst())
        switch verb {
        case "trip":
            try arity(args, 2...3, "trip SUB001 FDR002 [DURATION]")
            return .trip(
                substation: try substation(args[0]), feeder: try feeder(args[1]),
                durationMs: try args.count > 2 ? Self.duration(args[2]) : nil)
        case "restore":
            try arity(args, 2...2, "restore SUB001 FDR002")
            return .restore(substation: try substation(args[0]), feeder: try feeder(args[1]))
        case "excursion":
            try arity(args, 3...3, "excursion SUB001|all HZ DURATION")
            let target = args[0].lowercased() == "all" ? nil : try substation(args[0])
            guard let hz = Double(args[1]), hz.isFinite, abs(hz) <= 5 else {
                throw CommandError("excursion: '\(args[1])' is not an offset in Hz within ±5")
            }
            return .excursion(substation: target, offsetHz: hz, durationMs: try Self.duration(args[2]))
        case "silent":
            try arity(args, 1...2, "silent SUB001 [DURATION]")
            return .silent(
                substation: try substation(args[0]), durationMs: try args.count > 1 ? Self.duration(args[1]) : nil)
        case "resume":
            try arity(args, 1...1, "resume SUB001")
            return .resume(substation: try substation(args[0]))
        case "exception":
            return try exception(args)
        case "clear":
            try arity(args, 1...1, "clear SUB001")
            return .clear(substation: try substation(args[0]))
        case "truth":
            try arity(args, 1...2, "truth SUB001 [EPOCH_MS]")
            var at: Int64?
            if args.count > 1 {
                guard let ms = Int64(args[1]) else { throw CommandError("truth: '\(args[1])' is not epoch milliseconds") }
                at = ms
            }
            return .truth(substation: try substation(args[0]), atMs: at)
        case "status": return .status
        case "help": return .help
        case "quit", "exit": return .quit
        default: throw CommandError("unknown command '\(verb)' (try help)")
        }
    }

    /// `exception SUB001 ADDR|A-B|FDR002 [CODE] [DURATION]`.
    func exception(_ args: [String]) throws(CommandError) -> SimCommand {
        try arity(args, 2...4, "exception SUB001 ADDR|A-B|FDR002 [CODE] [DURATION]")
        let sub = try substation(args[0])
        let registers = try registerRange(args[1])
        var code: UInt32 = 4
        if args.count > 2 {
            guard let c = UInt32(args[2]), (1...11).contains(c) else {
                throw CommandError("exception: code '\(args[2])' must be 1…11 (Modbus exception codes)")
            }
            code = c
        }
        let duration = try args.count > 3 ? Self.duration(args[3]) : nil
        return .exception(substation: sub, registers: registers, code: code, durationMs: duration)
    }

    /// `SUB003` → 2. Also accepts the bare unit id (`3`).
    func substation(_ word: String) throws(CommandError) -> Int {
        let upper = word.uppercased()
        let digits = upper.hasPrefix("SUB") ? String(upper.dropFirst(3)) : upper
        guard let n = Int(digits), n >= 1, n <= substations else {
            throw CommandError("unknown substation '\(word)' (this run has SUB001…\(Site.pad3(substations)))")
        }
        return n - 1
    }

    /// `FDR002` → 1.
    func feeder(_ word: String) throws(CommandError) -> Int {
        let upper = word.uppercased()
        let digits = upper.hasPrefix("FDR") ? String(upper.dropFirst(3)) : upper
        guard let n = Int(digits), n >= 1, n <= feeders else {
            throw CommandError("unknown feeder '\(word)' (this run has FDR001…\(Site.pad3(feeders)))")
        }
        return n - 1
    }

    /// `40`, `40-47` or `FDR003` (that feeder's eight registers).
    func registerRange(_ word: String) throws(CommandError) -> ClosedRange<Int> {
        if word.uppercased().hasPrefix("FDR") {
            let k = try feeder(word)
            return (20 * k)...(20 * k + 7)
        }
        let parts = word.split(separator: "-", maxSplits: 1).map { Int($0) }
        guard let lo = parts.first ?? nil, lo >= 0, lo <= 65_535 else {
            throw CommandError("'\(word)' is not a register address, A-B range or feeder id")
        }
        let hi = parts.count > 1 ? (parts[1] ?? -1) : lo
        guard hi >= lo, hi <= 65_535 else { throw CommandError("'\(word)': range end must be ≥ start and ≤ 65535") }
        return lo...hi
    }

    /// Throws the usage line unless the number of arguments is in `range`.
    func arity(_ args: [String], _ range: ClosedRange<Int>, _ usage: String) throws(CommandError) {
        guard range.contains(args.count) else { throw CommandError("usage: \(usage)") }
    }

    /// `30`, `2.5`, `500ms`, `90s`, `2m`, `1h` → milliseconds (positive, at most 30 days).
    public static func duration(_ word: String) throws(CommandError) -> Int64 {
        let lower = word.lowercased()
        let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        var factor = 1_000.0
        var number = Substring(lower)
        for (suffix, f) in units where lower.hasSuffix(suffix) {
            factor = f
            number = lower.dropLast(suffix.count)
            break
        }
        guard let value = Double(number), value.isFinite, value > 0, value * factor <= 30 * 86_400_000 else {
            throw CommandError("'\(word)' is not a duration (e.g. 30, 2.5s, 500ms, 2m; at most 30 days)")
        }
        return Int64((value * factor).rounded())
    }
}
