import HopDNP3
import HopProtocol
import Testing

@testable import HopEdge

/// How DNP3 measurements become readings and events: quality flags, shared points, the
/// outstation's event times, and the converter's order of time-stamped breaker changes.
@Suite struct DNP3MappingTests {
    static func device() -> DeviceConfig {
        var a = FeederConfig(feederID: "FDR001", deviceID: "SUB001-FDR001", map: RegisterMap())
        a.dnp3Map = DNP3FeederMap(
            points: [
                .voltageKV: DNP3AnalogSpec(type: .analog, index: 0, scale: 0.001),
                .frequencyHz: DNP3AnalogSpec(type: .analog, index: 7),
                .powerMW: DNP3AnalogSpec(type: .counter, index: 2, scale: 0.5, offset: 1),
            ],
            breaker: DNP3BreakerSpec(type: .doubleBit, index: 3))
        var b = FeederConfig(feederID: "FDR002", deviceID: "SUB001-FDR002", map: RegisterMap())
        b.dnp3Map = DNP3FeederMap(points: [.frequencyHz: DNP3AnalogSpec(type: .analog, index: 7)], breaker: DNP3BreakerSpec(type: .binary, index: 4, closedValue: false))
        var device = DeviceConfig(name: "rtac", transport: .dnp3TCP(host: "127.0.0.1", port: 20000), substationID: "SUB001", feeders: [a, b])
        device.dnp3 = DNP3Settings(outstationAddress: 10)
        return device
    }

    static let t0: Int64 = 1_714_564_800_123
    static let received = SourceTime(epochMilliseconds: 1_714_564_900_000)

    static func m(_ type: PointType, _ index: UInt32, _ value: PointValue, flags: UInt8 = 0x01, time: Int64? = nil, event: Bool = false) -> Measurement {
        Measurement(
            type: type, index: index, value: value, flags: Flags(raw: flags, type: type), time: time.map(DNP3Time.init), isEvent: event,
            group: 0, variation: 0)
    }

    @Test func goodStaticValuesAreScaledAndASharedPointFeedsEveryFeederNamingIt() {
        let index = DNP3PointIndex(device: Self.device())
        var sample = ScanSample()
        #expect(index.apply(Self.m(.analog, 0, .analog(138_000)), to: &sample, received: Self.received) == .used)
        #expect(index.apply(Self.m(.analog, 7, .analog(59.98)), to: &sample, received: Self.received) == .used)
        #expect(index.apply(Self.m(.counter, 2, .counter(10)), to: &sample, received: Self.received) == .used)
        #expect(index.apply(Self.m(.analog, 8, .analog(1)), to: &sample, received: Self.received) == .unmapped)
        #expect(sample.analog[0, .voltageKV] == 138)
        #expect(sample.analog[0, .frequencyHz] == 59.98)
        #expect(sample.analog[1, .frequencyHz] == 59.98)
        #expect(sample.analog[0, .powerMW] == 6)
    }

    @Test(arguments: [0x00, 0x03, 0x05, 0x21, 0x41] as [UInt8])
    func aValueWhoseFlagsAreNotGoodIsNotStored(flags: UInt8) {
        let index = DNP3PointIndex(device: Self.device())
        var sample = ScanSample()
        #expect(index.apply(Self.m(.analog, 0, .analog(1), flags: flags), to: &sample, received: Self.received) == .rejected)
        // OVER_RANGE and REFERENCE_ERR are analog bits; for a binary, 0x20 is the chatter filter.
        let binaryBad = flags & 0x01 == 0 || flags & 0x06 != 0
        let binary = index.apply(Self.m(.binary, 4, .binary(false), flags: flags, event: true), to: &sample, received: Self.received)
        #expect(binary == (binaryBad ? .rejected : .used))
        #expect(sample.analog.isEmpty)
        #expect(sample.events.isEmpty == binaryBad)
    }

    @Test func breakersFollowTheirClosedStateAndIgnoreIntermediateDoubleBits() {
        let index = DNP3PointIndex(device: Self.device())
        var sample = ScanSample()
        index.apply(Self.m(.doubleBit, 3, .doubleBit(.on)), to: &sample, received: Self.received)
        index.apply(Self.m(.binary, 4, .binary(false)), to: &sample, received: Self.received)
        #expect(sample.breakers[0] == true)
        #expect(sample.breakers[1] == true)  // closed_value 0
        #expect(index.apply(Self.m(.doubleBit, 3, .doubleBit(.intermediate)), to: &sample, received: Self.received) == .rejected)
        #expect(sample.breakers[0] == true)
    }

    @Test func eventsCarryTheOutstationsTimeAndAnUnsetClockFallsBackToTheReceiveTime() {
        let index = DNP3PointIndex(device: Self.device())
        var sample = ScanSample()
        index.apply(Self.m(.doubleBit, 3, .doubleBit(.off), time: Self.t0, event: true), to: &sample, received: Self.received)
        index.apply(Self.m(.analog, 0, .analog(139_000), time: 5_000, event: true), to: &sample, received: Self.received)
        index.apply(Self.m(.analog, 7, .analog(60.02), event: true), to: &sample, received: Self.received)
        // Analog 7 is the frequency of both feeders: one event each.
        #expect(sample.events.map(\.time) == [SourceTime(epochMilliseconds: Self.t0), Self.received, Self.received, Self.received])
        #expect(sample.events.map(\.feeder) == [0, 0, 0, 1])
        #expect(sample.events.first?.value == .breaker(closed: false))
        #expect(sample.breakers.all.isEmpty)
    }

    @Test func aTripAndACloseInOnePollAreTwoEventsInOrderWithTheirOwnTimes() {
        let device = Self.device()
        let converter = SampleConverter(device: device)
        var state = DeviceState(name: "rtac", substationID: "SUB001", breakers: ["FDR001": true])
        var sample = ScanSample()
        sample.events = [
            PointEvent(feeder: 0, value: .breaker(closed: false), time: SourceTime(epochMilliseconds: Self.t0)),
            PointEvent(feeder: 0, value: .breaker(closed: true), time: SourceTime(epochMilliseconds: Self.t0 + 350)),
            PointEvent(feeder: 0, value: .analog(.voltageKV, 0.5), time: SourceTime(epochMilliseconds: Self.t0)),
            PointEvent(feeder: 0, value: .analog(.currentA, 12), time: SourceTime(epochMilliseconds: Self.t0)),
        ]
        sample.breakers[0] = true
        let events = converter.breakerEvents(sample, at: Self.received, state: &state)
        #expect(events.map(\.eventType) == [GridEventType.feederTrip, GridEventType.feederRestore])
        #expect(events.map(\.ts) == [SourceTime(epochMilliseconds: Self.t0), SourceTime(epochMilliseconds: Self.t0 + 350)])
        #expect(events.first?.message?.contains("g3 index 3") == true)
        #expect(state.breakers["FDR001"] == true)
        let readings = converter.telemetry(sample, at: Self.received)
        #expect(readings.count == 1)
        #expect(readings.first?.ts == SourceTime(epochMilliseconds: Self.t0))
        #expect(readings.first?.voltageKV == 0.5 && readings.first?.currentA == 12)
    }

    @Test func theScheduleIsAnIntegrityPollAndTheConfiguredEventClasses() throws {
        var device = Self.device()
        device.dnp3?.eventPolls = [.class1: .milliseconds(500), .class3: .seconds(60)]
        let plan = try DevicePlanner.plan(device)
        #expect(plan.scans.map(\.name) == ["integrity", "class1", "class3"])
        #expect(plan.scans.map(\.interval) == [.seconds(3600), .milliseconds(500), .seconds(60)])
        #expect(plan.scans.map { DNP3Poll(scanName: $0.name) } == [.integrity, .events(.class1), .events(.class3)])
    }
}
