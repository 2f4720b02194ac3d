import HopDNP3
import Testing

@testable import HopSim

@Suite struct DNP3OutstationTests {
    let t0: Int64 = 1_800_000_000_000
    let state: SimulationState
    let spec = DNP3OutstationSpec(substation: 1, endpoint: Endpoint(host: "127.0.0.1", port: 20_000))

    init() {
        state = SimulationState(sites: SiteCatalog.sites(count: 2), feeders: 3, model: ValueModel(seed: 4), startedMs: t0)
    }

    func answer(_ o: inout DNP3Outstation, _ request: [UInt8], at t: Int64) throws -> ParsedResponse {
        let bytes = o.handle(request, truth: state.truth(substation: 1, at: t))
        return try ResponseParser.parse(try #require(bytes))
    }

    func pushed(_ o: inout DNP3Outstation, at t: Int64) throws -> ParsedResponse {
        let bytes = o.unsolicited(now: t)
        return try ResponseParser.parse(try #require(bytes))
    }

    @Test func class0AnswersTheTruthOfTheInstantServedAndRestartStaysUntilCleared() throws {
        var o = DNP3Outstation(spec: spec, startedMs: t0)
        let r = try answer(&o, Request.integrity(sequence: 2), at: t0 + 500)
        #expect(r.header.control.sequence == 2 && !r.header.control.con)
        #expect(r.header.iin.names == ["DEVICE_RESTART"])
        let truth = state.truth(substation: 1, at: t0 + 500)
        let binaries = r.measurements.filter { $0.group == 1 }
        let analogs = r.measurements.filter { $0.group == 30 }
        #expect(binaries.map(\.value) == truth.feeders.map { .binary($0.breakerClosed) })
        #expect(analogs.count == 12)
        #expect(analogs[4].value == .analog(Double(Float(truth.feeders[1].voltageKV))))
        #expect(analogs[5].value == .analog(Double(Float(truth.feeders[1].currentA))))
        #expect(analogs[6].value == .analog(Double(Float(truth.feeders[1].powerMW))))
        #expect(analogs[7].value == .analog(Double(Float(truth.feeders[1].frequencyHz))))
        #expect(r.measurements.allSatisfy { $0.flags.isGood })
        #expect(try answer(&o, Request.read([.class1], sequence: 3), at: t0).header.iin.deviceRestart)
        #expect(!(try answer(&o, Request.clearRestart(sequence: 3), at: t0).header.iin.deviceRestart))
        #expect(try answer(&o, Request.read([.class1], sequence: 4), at: t0).header.iin.names.isEmpty)
        #expect(try answer(&o, Request.writeTime(epochMilliseconds: t0, sequence: 5), at: t0).header.iin.names.isEmpty)
    }

    @Test func aTripIsAClass1EventWithTheSimulatorsMillisecondKeptUntilConfirmed() throws {
        var o = DNP3Outstation(spec: spec, startedMs: t0)
        state.apply(.trip(substation: 1, feeder: 2, durationMs: 1_250), at: t0 + 1_007)
        state.apply(.trip(substation: 0, feeder: 0, durationMs: nil), at: t0 + 1_010)  // another substation
        o.collect(from: state.faults, upTo: t0 + 3_000)
        o.collect(from: state.faults, upTo: t0 + 3_100)  // each transition once
        var r = try answer(&o, Request.read([.class1], sequence: 6), at: t0 + 3_100)
        #expect(r.header.control.con && r.header.iin.class1Events)
        #expect(r.measurements.map(\.value) == [.binary(false), .binary(true)])
        #expect(r.measurements.map(\.index) == [2, 2])
        #expect(r.measurements.map(\.time) == [DNP3Time(epochMilliseconds: t0 + 1_007), DNP3Time(epochMilliseconds: t0 + 2_257)])
        // No confirm: the next read (a new request) sends them again.
        r = try answer(&o, Request.read([.class1], sequence: 7), at: t0 + 3_200)
        #expect(r.measurements.count == 2)
        #expect(o.handle(Request.confirm(sequence: 6, unsolicited: false), truth: state.truth(substation: 1, at: t0)) == nil)
        #expect(o.events.entries.count == 2)  // a stale confirm changes nothing
        _ = o.handle(Request.confirm(sequence: 7, unsolicited: false), truth: state.truth(substation: 1, at: t0))
        #expect(o.events.isEmpty)
        r = try answer(&o, Request.read([.class1], sequence: 8), at: t0 + 3_300)
        #expect(r.measurements.isEmpty && !r.header.control.con && !r.header.iin.class1Events)
    }

    @Test func unsolicitedReportsStartOnlyWhenEnabledAndRepeatUntilConfirmed() throws {
        var o = DNP3Outstation(spec: spec, startedMs: t0)
        state.apply(.trip(substation: 1, feeder: 0, durationMs: nil), at: t0 + 100)
        o.collect(from: state.faults, upTo: t0 + 200)
        #expect(o.unsolicited(now: t0 + 200) == nil)
        _ = try answer(&o, Request.unsolicited(enable: true, classes: PointClass.events, sequence: 1), at: t0 + 300)
        let first = try pushed(&o, at: t0 + 300)
        #expect(first.header.isUnsolicited && first.header.control.con && first.header.control.uns)
        #expect(first.measurements.map(\.time) == [DNP3Time(epochMilliseconds: t0 + 100)])
        // Events in flight are not sent twice: not by a read, not before the confirm timeout.
        #expect(try answer(&o, Request.read([.class1], sequence: 2), at: t0 + 400).measurements.isEmpty)
        #expect(o.unsolicited(now: t0 + 300 + DNP3Outstation.confirmTimeoutMs - 1) == nil)
        let again = try pushed(&o, at: t0 + 300 + DNP3Outstation.confirmTimeoutMs)
        #expect(again.header.control.sequence == first.header.control.sequence && again.measurements == first.measurements)
        _ = o.handle(Request.confirm(sequence: first.header.control.sequence, unsolicited: true), truth: state.truth(substation: 1, at: t0))
        #expect(o.events.isEmpty)
        #expect(o.unsolicited(now: t0 + 10_000) == nil)
        // The next report carries the next sequence number; DISABLE stops reporting.
        state.apply(.restore(substation: 1, feeder: 0), at: t0 + 10_100)
        o.collect(from: state.faults, upTo: t0 + 10_200)
        let next = try pushed(&o, at: t0 + 10_200)
        #expect(next.header.control.sequence == (first.header.control.sequence + 1) & 0x0F)
        _ = try answer(&o, Request.unsolicited(enable: false, classes: [.class1], sequence: 3), at: t0 + 10_300)
        #expect(o.unsolicited(now: t0 + 20_000) == nil)
    }

    @Test func whatTheOutstationDoesNotDoIsRefusedWithIINBits() throws {
        var o = DNP3Outstation(spec: spec, startedMs: t0)
        let operate: [UInt8] = [0xC1, 0x05, 12, 1, 0x17, 1, 0] + [UInt8](repeating: 0, count: 11)
        #expect(try answer(&o, operate, at: t0).header.iin.noFunctionCodeSupport)
        let writeOther: [UInt8] = [0xC2, 0x02, 80, 1, 0x00, 0, 0, 0x00]
        #expect(try answer(&o, writeOther, at: t0).header.iin.objectUnknown)
        let readCounters: [UInt8] = [0xC3, 0x01, 20, 1, 0x06]
        #expect(try answer(&o, readCounters, at: t0).header.iin.objectUnknown)
        let garbled: [UInt8] = [0xC4, 0x01, 60]
        #expect(try answer(&o, garbled, at: t0).header.iin.parameterError)
    }

    @Test func specsParseAndNameTheBadKey() throws {
        let s = try DNP3OutstationSpec(parsing: "sub002=127.0.0.1:20000,outstation=1024,master=3")
        #expect(s == DNP3OutstationSpec(
            substation: 1, endpoint: Endpoint(host: "127.0.0.1", port: 20_000), outstationAddress: 1024, masterAddress: 3))
        #expect(try DNP3OutstationSpec(parsing: "SUB010=127.0.0.1:20001").description == "SUB010=127.0.0.1:20001,outstation=10,master=1")
        let bad: [(String, String)] = [
            ("127.0.0.1:20000", "expected SUBNNN=HOST:PORT"),
            ("FDR001=127.0.0.1:20000", "'FDR001' is not a substation id"),
            ("SUB001=127.0.0.1", "is not HOST:PORT"),
            ("SUB001=127.0.0.1:20000,outstation=70000", "outstation: '70000' must be 0…65519"),
            ("SUB001=127.0.0.1:20000,master", "'master' is not key=value"),
            ("SUB001=127.0.0.1:20000,slave=2", "unknown key 'slave'"),
            ("SUB001=127.0.0.1:20000,outstation=1", "must differ"),
        ]
        for (text, problem) in bad {
            #expect {
                try DNP3OutstationSpec(parsing: text)
            } throws: { error in
                let message = (error as? SimError)?.message ?? ""
                return message.hasPrefix("--dnp3 '\(text)': ") && message.contains(problem)
            }
        }
    }

    @Test func configurationRefusesUnknownSubstationsRepeatsAndSharedPorts() {
        let listen = Endpoint(host: "127.0.0.1", port: 5020)
        func spec(_ s: Int, _ port: Int) -> DNP3OutstationSpec {
            DNP3OutstationSpec(substation: s, endpoint: Endpoint(host: "127.0.0.1", port: port))
        }
        let cases: [([DNP3OutstationSpec], String)] = [
            ([spec(5, 20_000)], "SUB006 does not exist (--substations 5)"),
            ([spec(1, 20_000), spec(1, 20_001)], "SUB002 is given twice"),
            ([spec(1, 5020)], "port 5020 is already used by --listen"),
            ([spec(1, 20_000), spec(2, 20_000)], "port 20000 is already used by --dnp3 SUB002"),
        ]
        for (dnp3, problem) in cases {
            #expect {
                try SimConfiguration(listen: listen, dnp3: dnp3).validate()
            } throws: { error in
                (error as? SimError)?.message.contains(problem) ?? false
            }
        }
        #expect(throws: Never.self) { try SimConfiguration(dnp3: [spec(0, 20_000)]).validate() }
    }
}
