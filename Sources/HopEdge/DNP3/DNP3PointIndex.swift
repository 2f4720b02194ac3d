import HopDNP3
import HopProtocol

/// Which feeder fields each outstation point feeds, and the conversion of measurements into a
/// `ScanSample`. A point may feed several feeders (a shared bus frequency). Pure.
struct DNP3PointIndex: Sendable {
    struct Key: Hashable, Sendable {
        var type: PointType
        var index: UInt32
    }

    enum Use: Sendable {
        case analog(feeder: Int, field: TelemetryField, spec: DNP3AnalogSpec)
        case breaker(feeder: Int, spec: DNP3BreakerSpec)
    }

    /// What happened to one measurement.
    enum Outcome: String, Sendable {
        /// Stored (or remembered as a breaker state).
        case used
        /// Flags not good (offline, restart, comm lost, over-range, reference error), a non-finite
        /// value or a breaker in an intermediate state: not stored.
        case rejected
        /// No feeder maps this point.
        case unmapped
    }

    private(set) var uses: [Key: [Use]] = [:]

    /// An outstation that never had its clock set stamps events near 1970; such a time says
    /// nothing, so the master's receive time is used instead. Anything from 2000 on is believed.
    static func plausible(_ time: DNP3Time) -> SourceTime? {
        time.epochMilliseconds >= 946_684_800_000 ? SourceTime(epochMilliseconds: time.epochMilliseconds) : nil
    }

    init(device: DeviceConfig) {
        for (i, feeder) in device.feeders.enumerated() {
            guard let map = feeder.dnp3Map else { continue }
            for field in TelemetryField.allCases {
                guard let spec = map.points[field] else { continue }
                uses[Key(type: spec.type, index: spec.index), default: []].append(.analog(feeder: i, field: field, spec: spec))
            }
            if let b = map.breaker {
                uses[Key(type: b.type, index: b.index), default: []].append(.breaker(feeder: i, spec: b))
            }
        }
    }

    /// Adds `m` to `sample`: static values as the scan's values, events as time-stamped changes
    /// (the outstation's time, or `received` when the variation has none).
    @discardableResult
    func apply(_ m: Measurement, to sample: inout ScanSample, received: SourceTime) -> Outcome {
        guard let list = uses[Key(type: m.type, index: m.index)] else { return .unmapped }
        guard m.flags.isGood else { return .rejected }
        let time = m.time.flatMap(Self.plausible) ?? received
        var outcome = Outcome.rejected
        for use in list {
            switch use {
            case .analog(let feeder, let field, let spec):
                let raw: Double
                switch m.value {
                case .analog(let v): raw = v
                case .counter(let c): raw = Double(c)
                default: continue
                }
                let value = raw * spec.scale + spec.offset
                guard value.isFinite else { continue }
                if m.isEvent {
                    sample.events.append(PointEvent(feeder: feeder, value: .analog(field, value), time: time))
                } else {
                    sample.analog[feeder, field] = value
                }
                outcome = .used
            case .breaker(let feeder, let spec):
                guard let closed = spec.closed(m.value) else { continue }
                if m.isEvent {
                    sample.events.append(PointEvent(feeder: feeder, value: .breaker(closed: closed), time: time))
                } else {
                    sample.breakers[feeder] = closed
                }
                outcome = .used
            }
        }
        return outcome
    }
}
