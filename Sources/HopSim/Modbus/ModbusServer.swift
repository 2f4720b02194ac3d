import CModbus
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The RTUs on the wire: one libmodbus TCP server, one unit id per substation (`index + 1`).
///
/// Owns the libmodbus context, the listening socket, the client sockets and one register mapping
/// per substation; lives on the event loop's thread only (libmodbus contexts are not Sendable).
/// Before each answer the unit's mapping is refreshed with the model's values for "now", so every
/// reply equals `truth` at the instant the request was served.
final class ModbusServer {
    let endpoint: Endpoint
    let state: SimulationState
    let clock: any SimClock
    let logger: Logger
    private let context: OpaquePointer
    private(set) var listenFD: Int32
    private(set) var clients: Set<Int32> = []
    private var mappings: [UnsafeMutablePointer<modbus_mapping_t>] = []
    private var query = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))

    init(endpoint: Endpoint, state: SimulationState, clock: any SimClock, logger: Logger) throws(SimError) {
        guard let ctx = modbus_new_tcp(endpoint.host, Int32(endpoint.port)) else {
            throw SimError("--listen \(endpoint): modbus_new_tcp: \(Self.lastError())")
        }
        self.endpoint = endpoint
        self.state = state
        self.clock = clock
        self.logger = logger
        self.context = ctx
        // A client that sends half a request must not stall every other RTU.
        modbus_set_indication_timeout(ctx, 1, 0)
        let fd = modbus_tcp_listen(ctx, 32)
        guard fd >= 0 else {
            let text = Self.lastError()
            modbus_free(ctx)
            throw SimError("--listen \(endpoint): cannot listen: \(text)")
        }
        self.listenFD = fd
        let registers = Int32(RegisterImage.registersPerFeeder * state.feeders)
        for site in state.sites {
            guard let mapping = modbus_mapping_new(Int32(state.feeders), 0, registers, 0) else {
                throw SimError("modbus_mapping_new for \(site.substationID): \(Self.lastError())")
            }
            mappings.append(mapping)
        }
    }

    deinit {
        for fd in clients { close(fd) }
        close(listenFD)
        for m in mappings { modbus_mapping_free(m) }
        modbus_free(context)
    }

    /// Accepts one pending connection.
    func acceptOne() {
        var fd = listenFD
        let client = modbus_tcp_accept(context, &fd)
        guard client >= 0 else {
            logger.warning("modbus: accept failed: \(Self.lastError())")
            return
        }
        clients.insert(client)
        logger.debug("modbus: client connected (fd \(client))")
    }

    /// Receives one request from a client and answers it (or, for a silent RTU, does not).
    func service(_ fd: Int32) {
        modbus_set_socket(context, fd)
        let length = query.withUnsafeMutableBufferPointer { modbus_receive(context, $0.baseAddress) }
        guard length > 0 else {
            if length < 0 { drop(fd) }
            return
        }
        let request = ModbusRequest(adu: Array(query[0..<Int(length)]))
        let now = clock.nowMs()
        switch RequestRouter.route(request, state: state, at: now) {
        case .ignore(let why):
            logger.debug("modbus: unit \(request.unit) ignored: \(why)")
        case .exception(let code):
            reply { modbus_reply_exception(context, $0, code) }
        case .serve(let substation, let truth):
            let mapping = mappings[substation]
            fill(mapping, with: truth)
            let before = RegisterImage.coils(truth.feeders)
            reply { modbus_reply(context, $0, length, mapping) }
            if request.writesCoils { applyBreakerWrites(substation: substation, before: before, mapping: mapping, at: now) }
        }
    }

    private func reply(_ send: (UnsafePointer<UInt8>) -> Int32) {
        let rc = query.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return send(base)
        }
        if rc < 0 { logger.debug("modbus: reply failed: \(Self.lastError())") }
    }

    private func fill(_ mapping: UnsafeMutablePointer<modbus_mapping_t>, with truth: SubstationTruth) {
        let registers = RegisterImage.registers(truth.feeders)
        let coils = RegisterImage.coils(truth.feeders)
        for (i, r) in registers.enumerated() { mapping.pointee.tab_registers[i] = r }
        for (i, c) in coils.enumerated() { mapping.pointee.tab_bits[i] = c }
    }

    /// A SCADA master writing a breaker coil operates the breaker: 0 opens it, 1 closes it.
    private func applyBreakerWrites(
        substation: Int, before: [UInt8], mapping: UnsafeMutablePointer<modbus_mapping_t>, at now: Int64
    ) {
        for (feeder, old) in before.enumerated() {
            let new = mapping.pointee.tab_bits[feeder] != 0 ? UInt8(1) : 0
            guard new != old else { continue }
            let command: SimCommand =
                new == 0
                ? .trip(substation: substation, feeder: feeder, durationMs: nil)
                : .restore(substation: substation, feeder: feeder)
            logger.info("modbus: coil write -> \(state.apply(command, at: now))")
        }
    }

    /// Closes a client connection.
    func drop(_ fd: Int32) {
        close(fd)
        clients.remove(fd)
        logger.debug("modbus: client disconnected (fd \(fd))")
    }

    /// libmodbus's text for the current `errno`.
    static func lastError() -> String { String(cString: modbus_strerror(errno)) }
}
