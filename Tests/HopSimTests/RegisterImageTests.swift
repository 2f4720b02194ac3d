import HopProtocol
import Testing

@testable import HopSim

@Suite struct RegisterImageTests {
    @Test func layoutMatchesTheHopSimFeederProfile() {
        let a = FeederReading(
            feederID: "FDR001", deviceID: "SUB001-FDR001", loadClass: .residential, breakerClosed: true, voltageKV: 229.8, currentA: 1187.4,
            powerMW: 274.2, frequencyHz: 60.002)
        var b = a
        b.breakerClosed = false
        b.currentA = 0
        b.powerMW = 0
        let regs = RegisterImage.registers([a, b])
        #expect(regs.count == 40)
        #expect(RegisterImage.float(regs, at: 0) == Float(229.8))
        #expect(RegisterImage.float(regs, at: 2) == Float(1187.4))
        #expect(RegisterImage.float(regs, at: 4) == Float(274.2))
        #expect(RegisterImage.float(regs, at: 6) == Float(60.002))
        #expect(RegisterImage.float(regs, at: 20) == Float(229.8))
        #expect(RegisterImage.float(regs, at: 22) == 0)
        // ABCD: high word first. 60.0 is 0x42700000.
        var one = [UInt16](repeating: 0, count: 2)
        RegisterImage.put(60, into: &one, at: 0)
        #expect(one == [0x4270, 0x0000])
        #expect(RegisterImage.coils([a, b]) == [1, 0])
    }

    @Test func routerHonoursSilenceExceptionsAndUnits() {
        let state = SimulationState(sites: SiteCatalog.sites(count: 2), feeders: 4, model: ValueModel(seed: 1), startedMs: 0)
        func request(unit: UInt8, function: UInt8, address: UInt16, count: UInt16) -> ModbusRequest {
            ModbusRequest(adu: [0, 1, 0, 0, 0, 6, unit, function, UInt8(address >> 8), UInt8(address & 0xFF),
                UInt8(count >> 8), UInt8(count & 0xFF)])
        }
        let read = request(unit: 1, function: 3, address: 20, count: 8)
        #expect(read.unit == 1 && read.address == 20 && read.quantity == 8)
        guard case .serve(0, let truth) = RequestRouter.route(read, state: state, at: 5_000) else {
            Issue.record("expected serve")
            return
        }
        #expect(truth == state.truth(substation: 0, at: 5_000))
        #expect(RequestRouter.route(request(unit: 3, function: 3, address: 0, count: 1), state: state, at: 0) == .exception(11))
        #expect(RequestRouter.route(request(unit: 1, function: 6, address: 0, count: 1), state: state, at: 0) == .exception(1))
        state.apply(.exception(substation: 0, registers: 26...27, code: 2, durationMs: nil), at: 1_000)
        #expect(RequestRouter.route(read, state: state, at: 1_000) == .exception(2))
        #expect(RequestRouter.route(read, state: state, at: 999) != .exception(2))
        state.apply(.silent(substation: 1, durationMs: 1_000), at: 1_000)
        #expect(RequestRouter.route(request(unit: 2, function: 3, address: 0, count: 8), state: state, at: 1_500) == .ignore("RTU silent"))
    }
}
