#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Logging

/// The simulator's single I/O thread: one `poll()` over the Modbus, DNP3 and control sockets and the
/// shutdown pipe, playing due scenario events before serving anything.
///
/// Everything non-Sendable (libmodbus context, sockets) is created and used inside `run`.
public struct EventLoop: Sendable {
    public var modbus: Endpoint?
    public var dnp3: [DNP3OutstationSpec]
    public var control: Endpoint?
    public var scenario: Scenario
    public let state: SimulationState
    public let clock: any SimClock
    public let shutdown: ShutdownSignal
    public let logger: Logger

    public init(
        modbus: Endpoint?, dnp3: [DNP3OutstationSpec] = [], control: Endpoint?, scenario: Scenario, state: SimulationState,
        clock: any SimClock, shutdown: ShutdownSignal, logger: Logger
    ) {
        self.modbus = modbus
        self.dnp3 = dnp3
        self.control = control
        self.scenario = scenario
        self.state = state
        self.clock = clock
        self.shutdown = shutdown
        self.logger = logger
    }

    /// Opens the sockets, then serves until `shutdown` is triggered. Blocks the calling thread.
    /// `onReady` runs once the sockets listen.
    public func run(onReady: () -> Void = {}) throws(SimError) {
        let server = try modbus.map { endpoint throws(SimError) in
            try ModbusServer(endpoint: endpoint, state: state, clock: clock, logger: logger)
        }
        let outstations = try dnp3.isEmpty ? nil : DNP3Server(specs: dnp3, state: state, clock: clock, logger: logger)
        let responder = ControlResponder(state: state, clock: clock, logger: logger)
        let controller = try control.map { endpoint throws(SimError) in
            try ControlServer(endpoint: endpoint, responder: responder, logger: logger)
        }
        if let modbus { logger.info("modbus: \(state.sites.count) RTUs (unit ids 1…\(state.sites.count)) on \(modbus)") }
        for spec in dnp3 { logger.info("dnp3: \(spec.substationName) outstation \(spec.outstationAddress) for master \(spec.masterAddress) on \(spec.endpoint)") }
        if let control { logger.info("control: listening on \(control)") }
        var player = ScenarioPlayer(scenario: scenario, startedMs: state.startedMs)
        onReady()

        while !shutdown.isRequested {
            playDue(&player)
            outstations?.tick(now: clock.nowMs())
            var fds = [pollfd(fd: shutdown.readFD, events: Int16(POLLIN), revents: 0)]
            if let server {
                fds.append(pollfd(fd: server.listenFD, events: Int16(POLLIN), revents: 0))
                fds += server.clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            }
            if let outstations { fds += outstations.descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) } }
            if let controller {
                fds.append(pollfd(fd: controller.listenFD, events: Int16(POLLIN), revents: 0))
                fds += controller.clients.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            }
            let timeout = player.nextDueMs.map { Int32(clamping: max(0, min(200, $0 - clock.nowMs()))) } ?? 200
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0, errno != EINTR { throw SimError("poll: \(Sockets.errnoText())") }
            guard ready > 0 else { continue }
            playDue(&player)
            for p in fds where p.revents != 0 {
                if p.fd == shutdown.readFD { continue }
                if let outstations, outstations.service(p.fd, now: clock.nowMs()) { continue }
                if let server, p.fd == server.listenFD {
                    server.acceptOne()
                } else if let server, server.clients.contains(p.fd) {
                    server.service(p.fd)
                } else if let controller, p.fd == controller.listenFD {
                    controller.acceptAll()
                } else if let controller {
                    controller.service(p.fd)
                }
            }
            // A trip from the control port or the scenario is reported at once when unsolicited.
            outstations?.tick(now: clock.nowMs())
        }
        logger.info("shutting down")
    }

    private func playDue(_ player: inout ScenarioPlayer) {
        for (event, answer) in player.play(upTo: clock.nowMs(), on: state) {
            logger.info("scenario: at +\(Double(event.atMs) / 1000) s: \(event.text) -> \(answer)")
        }
    }
}
