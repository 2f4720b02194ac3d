#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import HopDNP3
import Logging

/// The DNP3 outstations on the wire: one TCP port per substation served over DNP3, one master
/// connection each (a new connection replaces the old one, as a single-master outstation does).
/// Lives on the event loop's thread only, like `ModbusServer`.
final class DNP3Server {
    /// One outstation: its listening socket, its connection and the state of both layers.
    final class Station {
        var outstation: DNP3Outstation
        let listenFD: Int32
        var client: Int32?
        var link: OutstationLink

        init(spec: DNP3OutstationSpec, listenFD: Int32, startedMs: Int64) {
            outstation = DNP3Outstation(spec: spec, startedMs: startedMs)
            self.listenFD = listenFD
            link = OutstationLink(outstation: spec.outstationAddress, master: spec.masterAddress)
        }
    }

    let state: SimulationState
    let clock: any SimClock
    let logger: Logger
    private(set) var stations: [Station] = []

    init(specs: [DNP3OutstationSpec], state: SimulationState, clock: any SimClock, logger: Logger) throws(SimError) {
        self.state = state
        self.clock = clock
        self.logger = logger
        for spec in specs {
            let fd = try Sockets.listenTCP(spec.endpoint, role: "--dnp3 \(spec.substationName)")
            stations.append(Station(spec: spec, listenFD: fd, startedMs: state.startedMs))
        }
    }

    deinit {
        for s in stations {
            if let c = s.client { close(c) }
            close(s.listenFD)
        }
    }

    /// Every descriptor the loop should watch for input.
    var descriptors: [Int32] { stations.flatMap { [$0.listenFD] + ($0.client.map { [$0] } ?? []) } }

    /// Handles input on `fd`; false when `fd` is not one of this server's.
    func service(_ fd: Int32, now: Int64) -> Bool {
        if let station = stations.first(where: { $0.listenFD == fd }) {
            acceptConnection(station)
        } else if let station = stations.first(where: { $0.client == fd }) {
            receive(station, fd: fd, now: now)
        } else {
            return false
        }
        return true
    }

    /// Records new breaker changes as events and sends the unsolicited responses that are due.
    func tick(now: Int64) {
        let faults = state.faults
        for station in stations {
            station.outstation.collect(from: faults, upTo: now)
            guard let fd = station.client, !faults.isSilent(substation: station.outstation.spec.substation, at: now),
                let fragment = station.outstation.unsolicited(now: now)
            else { continue }
            send(fragment, station, fd: fd)
        }
    }

    private func acceptConnection(_ station: Station) {
        let fd = accept(station.listenFD, nil, nil)
        guard fd >= 0 else { return }
        Sockets.setNonBlocking(fd)
        if let old = station.client {
            close(old)
            logger.info("dnp3: \(station.outstation.spec): a new master connection replaces the previous one")
        }
        station.client = fd
        station.link = OutstationLink(outstation: station.outstation.spec.outstationAddress, master: station.outstation.spec.masterAddress)
        logger.debug("dnp3: \(station.outstation.spec): master connected (fd \(fd))")
    }

    private func receive(_ station: Station, fd: Int32, now: Int64) {
        var chunk = [UInt8](repeating: 0, count: 4_096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0, errno == EAGAIN || errno == EINTR { return }
        guard n > 0 else { return disconnect(station, fd: fd) }
        let substation = station.outstation.spec.substation
        if state.faults.isSilent(substation: substation, at: now) { return }
        let (replies, fragments) = station.link.receive(chunk[0..<n])
        if !replies.isEmpty, !Sockets.writeAll(fd, replies) { return disconnect(station, fd: fd) }
        for fragment in fragments {
            let reporting = station.outstation.unsolicitedEnabled
            defer {
                if station.outstation.unsolicitedEnabled != reporting {
                    let now = station.outstation.unsolicitedEnabled ? "enabled" : "disabled"
                    logger.info("dnp3: \(station.outstation.spec.substationName): master \(now) unsolicited reporting")
                }
            }
            guard let answer = station.outstation.handle(fragment, truth: state.truth(substation: substation, at: now)) else {
                continue
            }
            send(answer, station, fd: fd)
        }
    }

    private func send(_ fragment: [UInt8], _ station: Station, fd: Int32) {
        if !Sockets.writeAll(fd, station.link.encode(fragment)) { disconnect(station, fd: fd) }
    }

    private func disconnect(_ station: Station, fd: Int32) {
        close(fd)
        if station.client == fd { station.client = nil }
        logger.debug("dnp3: \(station.outstation.spec): master disconnected (fd \(fd))")
    }
}
