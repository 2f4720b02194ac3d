import HopDNP3

/// The application layer of one simulated outstation: pure, so it is unit-tested without sockets.
///
/// A breaker change becomes a class 1 event (g2v2) with the simulator's millisecond time. READ of
/// class 0 answers every breaker (g1v2) and measurement (g30v5) at the instant served; READ of class
/// 1 (or of g2) answers the buffered events with CON, and the master's CONFIRM removes them. Once
/// the master enables unsolicited class 1 reporting, buffered events are pushed unasked (CON, UNS),
/// and sent again after `confirmTimeoutMs` without a confirm. DEVICE_RESTART is set from start-up
/// until the master clears it. The simulator keeps its own clock, so a time write is acknowledged
/// and not applied.
struct DNP3Outstation: Sendable {
    /// Events per response fragment (10 octets each).
    static let eventsPerFragment = 64
    /// Wait for the confirm of an unsolicited response before sending it again.
    static let confirmTimeoutMs: Int64 = 2_000

    let spec: DNP3OutstationSpec
    private(set) var events = DNP3EventBuffer()
    private(set) var deviceRestart = true
    private(set) var unsolicitedEnabled = false
    private var awaitingSolicited: UInt8?
    private var unsolicitedSequence: UInt8 = 0
    private var unsolicitedSentAt: Int64?
    private var recorded = Set<FaultTimeline.BreakerTransition>()
    private var lastSeenMs: Int64

    init(spec: DNP3OutstationSpec, startedMs: Int64) {
        self.spec = spec
        self.lastSeenMs = startedMs - 1
    }

    /// Records the substation's breaker transitions up to `now` as events, each once. The window
    /// looks back as the REST poster does, since a scenario event can be recorded a little after its
    /// instant.
    mutating func collect(from faults: FaultTimeline, upTo now: Int64) {
        let since = max(now - RestPoster.eventLookbackMs, lastSeenMs)
        for t in faults.breakerTransitions(after: since, upTo: now)
        where t.substation == spec.substation && !recorded.contains(t) {
            recorded.insert(t)
            events.append(
                BinaryEvent(index: UInt16(t.feeder), point: BinaryPoint(state: t.closed), time: DNP3Time(epochMilliseconds: t.at)))
        }
        recorded = recorded.filter { $0.at > now - RestPoster.eventLookbackMs }
    }

    /// The answer to one request fragment (`nil`: none is due, e.g. for a CONFIRM), with the
    /// substation's truth at the instant served.
    mutating func handle(_ fragment: [UInt8], truth: @autoclosure () -> SubstationTruth) -> [UInt8]? {
        let control: AppControl
        let request: MasterRequest
        do throws(DNP3Error) {
            (control, request) = try RequestParser.parse(fragment)
        } catch {
            guard fragment.count >= 2 else { return nil }
            return respond(AppControl(byte: fragment[0]).sequence, iin: .init(iin1: 0, iin2: 0x04))
        }
        if case .confirm(let sequence, let unsolicited) = request {
            confirm(sequence: sequence, unsolicited: unsolicited)
            return nil
        }
        if let pending = awaitingSolicited {
            events.release(.solicited(pending))
            awaitingSolicited = nil
        }
        switch request {
        case .read(let classes, let objects):
            return read(control.sequence, classes: Set(classes), objects: objects, truth: truth)
        case .unsolicited(let enable, let classes):
            if classes.contains(.class1) { unsolicitedEnabled = enable }
            return respond(control.sequence)
        case .writeTime:
            return respond(control.sequence)
        case .clearRestart:
            deviceRestart = false
            return respond(control.sequence)
        case .unsupported(let function, _):
            let known = function == FunctionCode.write.rawValue
            return respond(control.sequence, iin: known ? IIN.outstation(objectUnknown: true) : .outstation(noFunctionCodeSupport: true))
        case .confirm:
            return nil
        }
    }

    /// An unsolicited response to send now, if reporting is enabled and events wait (or the last
    /// one went unconfirmed for `confirmTimeoutMs`).
    mutating func unsolicited(now: Int64) -> [UInt8]? {
        guard unsolicitedEnabled else { return nil }
        let carrier = DNP3EventBuffer.Carrier.unsolicited(unsolicitedSequence)
        var batch: [BinaryEvent]
        if let sentAt = unsolicitedSentAt {
            guard now - sentAt >= Self.confirmTimeoutMs else { return nil }
            batch = events.carried(by: carrier)
        } else {
            guard events.hasUnsent else { return nil }
            batch = events.take(upTo: Self.eventsPerFragment, for: carrier)
        }
        unsolicitedSentAt = now
        var builder = ResponseBuilder(control: AppControl(con: true, uns: true, sequence: unsolicitedSequence), iin: iin())
        builder.binaryEvents(batch)
        return builder.bytes
    }

    private mutating func confirm(sequence: UInt8, unsolicited: Bool) {
        if unsolicited {
            guard unsolicitedSentAt != nil, sequence == unsolicitedSequence else { return }
            events.confirm(.unsolicited(sequence))
            unsolicitedSentAt = nil
            unsolicitedSequence = (unsolicitedSequence + 1) & 0x0F
        } else if awaitingSolicited == sequence {
            events.confirm(.solicited(sequence))
            awaitingSolicited = nil
        }
    }

    private mutating func read(
        _ sequence: UInt8, classes: Set<PointClass>, objects: [ObjectID], truth: () -> SubstationTruth
    ) -> [UInt8] {
        let groups = Set(objects.map(\.group))
        let unknown = !groups.isSubset(of: [1, 2, 30, 32])
        var batch: [BinaryEvent] = []
        if classes.contains(.class1) || groups.contains(2) {
            batch = events.take(upTo: Self.eventsPerFragment, for: .solicited(sequence))
        }
        if !batch.isEmpty { awaitingSolicited = sequence }
        var builder = ResponseBuilder(control: AppControl(con: !batch.isEmpty, sequence: sequence), iin: iin(objectUnknown: unknown))
        builder.binaryEvents(batch)
        let staticBinaries = classes.contains(.class0) || groups.contains(1)
        let staticAnalogs = classes.contains(.class0) || groups.contains(30)
        if staticBinaries || staticAnalogs {
            let now = truth()
            if staticBinaries { builder.binaryInputs(start: 0, DNP3PointMap.binaries(now)) }
            if staticAnalogs { builder.analogInputs(start: 0, DNP3PointMap.analogs(now)) }
        }
        return builder.bytes
    }

    private func respond(_ sequence: UInt8, iin extra: IIN = IIN()) -> [UInt8] {
        let base = iin()
        return ResponseBuilder(
            control: AppControl(sequence: sequence), iin: IIN(iin1: base.iin1 | extra.iin1, iin2: base.iin2 | extra.iin2)
        ).bytes
    }

    private func iin(objectUnknown: Bool = false) -> IIN {
        .outstation(
            class1Events: !events.isEmpty, deviceRestart: deviceRestart, objectUnknown: objectUnknown,
            eventBufferOverflow: events.overflowed)
    }
}
