import HopDNP3
import HopProtocol
import Logging

/// The application layer of the master for one outstation, synchronous and confined to the
/// device's thread. A poll brings the association up if needed (DISABLE_UNSOLICITED, integrity
/// poll, ENABLE_UNSOLICITED when configured), runs the requested read, confirms every fragment
/// that asks for it, and acts on the IIN bits it sees: DEVICE_RESTART → clear it (WRITE g80v1) and
/// poll everything again; NEED_TIME → WRITE g50v1. Unsolicited responses arriving at any time are
/// confirmed and returned with whatever exchange was running.
///
/// Read-only by design: it sends READ, CONFIRM, ENABLE/DISABLE_UNSOLICITED and the two WRITEs
/// above, nothing else (see `Request`, which has no control builders).
final class DNP3Master {
    let settings: DNP3Settings
    let timeout: Duration
    let link: DNP3Link
    let logger: Logger
    /// The next application sequence number; state below is shared with `DNP3Master+Exchange`.
    var sequence: UInt8 = 0
    private var connected = false
    private var needsIntegrity = true
    private var unsolicitedEnabled = false
    var warnedRefusal = false
    private var explicitRefused = false
    let clock = ContinuousClock()
    var reportedDrops = 0

    init(settings: DNP3Settings, channel: any DNP3Channel, timeout: Duration, logger: Logger) {
        self.settings = settings
        self.timeout = timeout
        self.link = DNP3Link(channel: channel, master: settings.masterAddress, outstation: settings.outstationAddress)
        self.logger = logger
    }

    var isConnected: Bool { connected && link.channel.isOpen }

    func close() {
        link.channel.close()
        connected = false
    }

    /// Runs `poll` (an integrity poll instead when one is due) and returns every fragment received.
    func poll(_ poll: DNP3Poll) throws(DNP3MasterError) -> [ParsedResponse] {
        var received: [ParsedResponse] = []
        var polledAll = false
        if !isConnected {
            // DISABLE_UNSOLICITED first; its answer carries DEVICE_RESTART / NEED_TIME, acted on
            // before the integrity poll a new association always gets.
            received += try start()
            received += try housekeeping(after: received, polledAll: &polledAll)
        }
        if !polledAll {
            let answer: [ParsedResponse]
            switch poll {
            case .integrity:
                answer = try integrity()
                polledAll = true
            case .events(let c):
                answer = try read(Self.describe([c]), [c])
            }
            received += answer
            received += try housekeeping(after: answer, polledAll: &polledAll)
        }
        if settings.unsolicited && !unsolicitedEnabled {
            unsolicitedEnabled = true
            do {
                received += try exchange(
                    "ENABLE_UNSOLICITED", { Request.unsolicited(enable: true, classes: PointClass.events, sequence: $0) })
                logger.info("unsolicited reporting enabled for classes 1, 2, 3")
            } catch .refused(_, let iin) {
                logger.warning("outstation refuses unsolicited reporting (IIN \(iin)); events come by polling only")
            }
        }
        return received
    }

    /// Waits up to `duration` for an unsolicited response; returns it (confirmed) or nothing.
    func listen(for duration: Duration) throws(DNP3MasterError) -> [ParsedResponse] {
        guard isConnected else { return [] }
        let deadline = clock.now + duration
        while true {
            let fragment: [UInt8]?
            do { fragment = try receive(until: deadline) } catch { throw .channel(error) }
            guard let fragment else { return [] }
            guard let header = try? ResponseHeader.parse(fragment), header.isUnsolicited else { continue }
            let response = try unsolicited(fragment, header: header)
            if response.header.iin.deviceRestart { needsIntegrity = true }
            return [response]
        }
    }

    /// Opens the channel and brings the association up.
    private func start() throws(DNP3MasterError) -> [ParsedResponse] {
        do { try link.channel.open(timeout: timeout) } catch { throw .connect(error) }
        link.reset()
        connected = true
        needsIntegrity = true
        unsolicitedEnabled = false
        // Quiet unsolicited reporting until the integrity poll has the full picture.
        do {
            return try exchange("DISABLE_UNSOLICITED", { Request.unsolicited(enable: false, classes: PointClass.events, sequence: $0) })
        } catch .refused {
            return []
        }
    }

    private func integrity() throws(DNP3MasterError) -> [ParsedResponse] {
        needsIntegrity = false
        return try read("integrity poll (classes 1, 2, 3, 0)", PointClass.events + [.class0])
    }

    /// Acts on the IIN bits of the last solicited answer in `responses`: clears DEVICE_RESTART
    /// and polls every class, writes the time on NEED_TIME, and runs an integrity poll when one is
    /// due (`polledAll` then becomes true). At most three rounds, so a device that keeps setting a
    /// bit cannot hold the poll forever.
    private func housekeeping(after responses: [ParsedResponse], polledAll: inout Bool) throws(DNP3MasterError) -> [ParsedResponse] {
        var received: [ParsedResponse] = []
        var iin = responses.last(where: { !$0.header.isUnsolicited })?.header.iin ?? IIN()
        for _ in 0..<3 {
            var acted = false
            if iin.deviceRestart {
                logger.notice("outstation reports DEVICE_RESTART: clearing it and polling every class")
                let cleared = try exchange("WRITE IIN1.7 = 0", { Request.clearRestart(sequence: $0) })
                received += cleared
                iin = cleared.last?.header.iin ?? iin
                needsIntegrity = true
                acted = true
            }
            if iin.needTime && settings.timeSync {
                let now = SourceTime.now().epochMilliseconds
                let written = try exchange("WRITE time (g50v1)", { Request.writeTime(epochMilliseconds: now, sequence: $0) })
                logger.info("outstation asked for the time (NEED_TIME): wrote \(now) ms")
                received += written
                iin = written.last?.header.iin ?? iin
                acted = true
            }
            if needsIntegrity {
                let polled = try integrity()
                received += polled
                polledAll = true
                iin = polled.last(where: { !$0.header.isUnsolicited })?.header.iin ?? iin
                acted = true
            }
            if !acted { break }
        }
        return received
    }

    /// A READ of `classes`. An outstation that refuses the whole request because it does not know
    /// the configured explicit event variations (OBJECT_UNKNOWN, nothing returned) is asked again,
    /// and from then on, for the classes only.
    private func read(_ what: String, _ classes: [PointClass]) throws(DNP3MasterError) -> [ParsedResponse] {
        let responses = try exchange(what, eventRead(classes))
        guard !explicitRefused, !settings.eventVariations.isEmpty,
            let answer = responses.first(where: { !$0.header.isUnsolicited }), answer.header.iin.objectUnknown,
            responses.allSatisfy({ $0.measurements.isEmpty })
        else { return responses }
        explicitRefused = true
        let names = settings.eventVariations.map(\.description).joined(separator: ", ")
        logger.warning("outstation does not know \(names) (OBJECT_UNKNOWN): asking for the classes only")
        return responses + (try exchange(what, eventRead(classes)))
    }

    /// A READ of the configured explicit event variations, then the given classes.
    private func eventRead(_ classes: [PointClass]) -> (UInt8) -> [UInt8] {
        let explicit = explicitRefused ? [] : settings.eventVariations
        return { sequence in
            var request = Request.read([], sequence: sequence)
            for id in explicit { request += [id.group, id.variation, Qualifier.allObjects.byte] }
            return request + Array(Request.read(classes, sequence: sequence).dropFirst(2))
        }
    }

    static func describe(_ classes: [PointClass]) -> String {
        "event poll (" + classes.map(\.description).joined(separator: ", ") + ")"
    }
}
