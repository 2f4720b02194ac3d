import Foundation
import HopProtocol
import Logging

/// Answers control-protocol lines: parses, applies faults, reports truth and status.
/// Every answer is one line (`ok …`, `error …` or a JSON object); `help` prints its lines then `ok`.
public struct ControlResponder: Sendable {
    public let state: SimulationState
    public let clock: any SimClock
    public let logger: Logger

    public init(state: SimulationState, clock: any SimClock, logger: Logger) {
        self.state = state
        self.clock = clock
        self.logger = logger
    }

    /// The answer to one line, or `nil` when the connection should close (`quit`).
    public func respond(to line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return "ok" }
        let command: SimCommand
        do throws(CommandError) {
            command = try state.parser.parse(trimmed)
        } catch {
            return "error " + error.message
        }
        let now = clock.nowMs()
        switch command {
        case .quit:
            return nil
        case .help:
            return SimCommand.helpText + "\nok"
        case let .truth(s, at):
            return json(state.truth(substation: s, at: at ?? now))
        case .status:
            return json(status(at: now))
        default:
            let answer = state.apply(command, clock: clock)
            logger.info("control: \(trimmed) -> \(answer)")
            return answer
        }
    }

    /// What `status` prints.
    struct Status: Encodable {
        var nowMs: Int64
        var startedMs: Int64
        var step: Int64
        var stepMs: Int64
        var seed: UInt64
        var substations: Int
        var feeders: Int
        var openBreakers: [String]
        var silent: [String]
        var exceptionRegisters: [String]
        var frequencyOffsetHz: [String: Double]

        enum CodingKeys: String, CodingKey {
            case nowMs = "now_ms", startedMs = "started_ms", step, stepMs = "step_ms", seed, substations, feeders
            case openBreakers = "open_breakers", silent, exceptionRegisters = "exception_registers"
            case frequencyOffsetHz = "frequency_offset_hz"
        }
    }

    /// The `status` answer at `now`.
    func status(at now: Int64) -> Status {
        let faults = state.faults
        var open: [String] = []
        var silent: [String] = []
        var offsets: [String: Double] = [:]
        for site in state.sites {
            let sub = site.substationID.rawValue
            for f in 0..<state.feeders where !faults.isBreakerClosed(substation: site.index, feeder: f, at: now) {
                open.append(sub + " " + Site.feederID(index: f).rawValue)
            }
            if faults.isSilent(substation: site.index, at: now) { silent.append(sub) }
            let offset = faults.frequencyOffset(substation: site.index, at: now)
            if offset != 0 { offsets[sub] = offset }
        }
        let exceptions = faults.registerFaults.filter { $0.interval.contains(now) }.map {
            "\(state.sites[$0.substation].substationID.rawValue) \($0.registers.lowerBound)-\($0.registers.upperBound) code \($0.code)"
        }
        return Status(
            nowMs: now, startedMs: state.startedMs, step: state.model.step(at: now), stepMs: state.model.stepMs,
            seed: state.model.random.seed, substations: state.sites.count, feeders: state.feeders,
            openBreakers: open, silent: silent, exceptionRegisters: exceptions, frequencyOffsetHz: offsets)
    }

    /// One line of JSON with sorted keys.
    func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
            return "error could not encode JSON"
        }
        return text
    }
}
