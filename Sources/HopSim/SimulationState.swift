import Foundation
import HopProtocol
import Synchronization

/// The one live simulation: sites, value model and the fault timeline, shared by the Modbus
/// server, the control interface, the scenario player and the REST poster.
///
/// All mutable state sits behind a `Mutex`; every method takes the instant it is about so callers
/// stay deterministic under test.
public final class SimulationState: Sendable {
    public let sites: [Site]
    public let feeders: Int
    public let model: ValueModel
    public let startedMs: Int64
    private let timeline = Mutex(FaultTimeline())

    public init(sites: [Site], feeders: Int, model: ValueModel, startedMs: Int64) {
        self.sites = sites
        self.feeders = feeders
        self.model = model
        self.startedMs = startedMs
    }

    /// A parser that knows this run's substations and feeders.
    public var parser: CommandParser { CommandParser(substations: sites.count, feeders: feeders) }

    /// A copy of the fault timeline.
    public var faults: FaultTimeline { timeline.withLock { $0 } }

    /// Ground truth of one substation at `t`.
    public func truth(substation: Int, at t: Int64) -> SubstationTruth {
        let faults = self.faults
        return model.truth(site: sites[substation], feeders: feeders, at: t, faults: faults)
    }

    /// Applies a fault command "now", reading the clock under the lock so that no reader can see
    /// the timeline at an instant after `now` without this fault.
    @discardableResult
    public func apply(_ command: SimCommand, clock: any SimClock) -> String {
        timeline.withLock { tl in apply(command, at: clock.nowMs(), to: &tl) }
    }

    /// Applies a fault command at `t`; returns a one-line human answer (`ok …`).
    /// Non-fault commands are answered by `ControlResponder`.
    @discardableResult
    public func apply(_ command: SimCommand, at t: Int64) -> String {
        timeline.withLock { tl in apply(command, at: t, to: &tl) }
    }

    private func apply(_ command: SimCommand, at t: Int64, to tl: inout FaultTimeline) -> String {
        switch command {
        case let .trip(s, f, duration):
            let changed = tl.trip(substation: s, feeder: f, at: t, durationMs: duration)
            return changed ? "ok tripped \(name(s, f))" : "ok \(name(s, f)) already open"
        case let .restore(s, f):
            let changed = tl.restore(substation: s, feeder: f, at: t)
            return changed ? "ok restored \(name(s, f))" : "ok \(name(s, f)) already closed"
        case let .excursion(s, hz, duration):
            tl.excursion(substation: s, offsetHz: hz, durationMs: duration, at: t)
            return "ok excursion \(s.map { name($0) } ?? "all") \(hz) Hz for \(duration) ms"
        case let .silent(s, duration):
            tl.silence(substation: s, at: t, durationMs: duration)
            return "ok \(name(s)) silent" + (duration.map { " for \($0) ms" } ?? " until resume")
        case let .resume(s):
            return tl.resume(substation: s, at: t) ? "ok \(name(s)) answering" : "ok \(name(s)) was not silent"
        case let .exception(s, registers, code, duration):
            tl.registerException(substation: s, registers: registers, code: code, at: t, durationMs: duration)
            return "ok \(name(s)) registers \(registers.lowerBound)-\(registers.upperBound) answer exception \(code)"
        case let .clear(s):
            return tl.clearExceptions(substation: s, at: t) ? "ok \(name(s)) exceptions cleared" : "ok \(name(s)) had none"
        case .truth, .status, .help, .quit:
            return "error not a fault command"
        }
    }

    /// `SUB002` or `SUB002 FDR003`, for answers and logs.
    func name(_ s: Int, _ f: Int? = nil) -> String {
        let sub = sites[s].substationID.rawValue
        return f.map { sub + " " + Site.feederID(index: $0).rawValue } ?? sub
    }
}
