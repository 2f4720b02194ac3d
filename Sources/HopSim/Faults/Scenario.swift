import Foundation
import Yams

/// A scripted list of faults, times relative to the simulator's start. Format (docs/sim.md):
///
/// ```yaml
/// events:
///   - at: 45s                      # seconds (45, 2.5) or with a unit (500ms, 90s, 2m, 1h); 0 allowed
///     do: trip SUB002 FDR003 120s   # any fault command of the control protocol
/// ```
public struct Scenario: Sendable, Hashable {
    /// One scripted fault.
    public struct Event: Sendable, Hashable {
        public var atMs: Int64
        public var command: SimCommand
        /// The command as written, for logs.
        public var text: String
    }

    /// Events in time order (stable for equal times).
    public var events: [Event]

    public init(events: [Event]) {
        self.events = events.enumerated().sorted { ($0.element.atMs, $0.offset) < ($1.element.atMs, $1.offset) }
            .map(\.element)
    }

    /// Loads and checks a scenario file against the run's substations and feeders.
    public static func load(path: String, parser: CommandParser) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(file: path, location: nil, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: path, parser: parser)
    }

    /// Parses scenario YAML; `file` only labels errors.
    public static func parse(_ text: String, file: String, parser: CommandParser) throws(ScenarioError) -> Scenario {
        let raw: RawScenario
        do {
            raw = try YAMLDecoder().decode(RawScenario.self, from: text)
        } catch {
            throw ScenarioError(file: file, location: nil, message: "not a scenario: \(describe(error))")
        }
        var events: [Event] = []
        for (i, e) in (raw.events ?? []).enumerated() {
            let where_ = "events[\(i)]"
            let at: Int64
            switch e.at {
            case .number(let seconds):
                guard seconds.isFinite, seconds >= 0 else {
                    throw ScenarioError(file: file, location: where_ + ".at", message: "must be ≥ 0 seconds")
                }
                at = Int64((seconds * 1000).rounded())
            case .text(let word):
                do throws(CommandError) { at = word == "0" ? 0 : try CommandParser.duration(word) } catch {
                    throw ScenarioError(file: file, location: where_ + ".at", message: error.message)
                }
            }
            let command: SimCommand
            do throws(CommandError) { command = try parser.parse(e.do) } catch {
                throw ScenarioError(file: file, location: where_ + ".do", message: error.message)
            }
            guard command.isFault else {
                throw ScenarioError(file: file, location: where_ + ".do", message: "'\(e.do)' is not a fault command")
            }
            events.append(Event(atMs: at, command: command, text: e.do))
        }
        return Scenario(events: events)
    }

    /// A short description of a YAML decoding error, naming the key path.
    static func describe(_ error: any Error) -> String {
        if case let DecodingError.keyNotFound(key, ctx) = error {
            return "missing key '\(key.stringValue)' at \(path(ctx.codingPath))"
        }
        if case let DecodingError.typeMismatch(_, ctx) = error {
            return "wrong type at \(path(ctx.codingPath)): \(ctx.debugDescription)"
        }
        return String(describing: error)
    }

    /// `.events[2].at` from a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
    }
}

/// A scenario file that could not be used, naming the file and the event.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var location: String?
    public var message: String
    public var description: String { "scenario \(file)" + (location.map { " \($0)" } ?? "") + ": \(message)" }
}

/// The YAML shape before checking.
struct RawScenario: Decodable {
    struct RawEvent: Decodable {
        var at: RawTime
        var `do`: String
    }
    enum RawTime: Decodable {
        case number(Double)
        case text(String)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .text(try c.decode(String.self)) }
        }
    }
    var events: [RawEvent]?
}
