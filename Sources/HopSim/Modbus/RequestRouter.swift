/// Decides what the RTU does with a request: pure, so it is unit-tested without sockets.
enum RequestRouter {
    /// What to do with one request.
    enum Decision: Equatable {
        /// Send nothing (a silent RTU); the reason is logged.
        case ignore(String)
        /// Answer with this Modbus exception code.
        case exception(UInt32)
        /// Answer from the substation's mapping, refreshed with this truth.
        case serve(substation: Int, truth: SubstationTruth)
    }

    /// Gateway target failed to respond: no such unit behind this port.
    static let gatewayTargetFailed: UInt32 = 0x0B
    /// Illegal function: the measurement registers are read-only.
    static let illegalFunction: UInt32 = 0x01

    /// The decision for `request` at `now`: unknown unit, silence, read-only registers, a scripted
    /// exception, else serve the truth of that instant.
    static func route(_ request: ModbusRequest, state: SimulationState, at now: Int64) -> Decision {
        let substation = request.unit - 1
        guard state.sites.indices.contains(substation) else {
            return .exception(gatewayTargetFailed)
        }
        let faults = state.faults
        if faults.isSilent(substation: substation, at: now) { return .ignore("RTU silent") }
        if request.writesRegisters { return .exception(illegalFunction) }
        if request.readsHoldingRegisters, request.quantity > 0,
            let code = faults.registerException(
                substation: substation, registers: request.address...(request.address + request.quantity - 1), at: now)
        {
            return .exception(code)
        }
        let site = state.sites[substation]
        return .serve(
            substation: substation, truth: state.model.truth(site: site, feeders: state.feeders, at: now, faults: faults))
    }
}
