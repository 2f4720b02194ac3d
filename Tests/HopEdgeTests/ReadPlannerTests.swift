import HopProtocol
import Testing

@testable import HopEdge

@Suite struct ReadPlannerTests {
    @Test func coalescesAHopSimDeviceIntoOneRegisterAndOneBitRead() throws {
        var device = simDevice(feeders: 4)
        device.maxGapRegisters = 12
        let plan = try ReadPlanner.plan(device)
        #expect(plan.scans.count == 1)
        let requests = plan.scans[0].requests
        #expect(requests.map(\.label) == ["holding 0…67", "coil 0…3"])
        #expect(requests[0].points.count == 16)
        #expect(requests[0].points.last?.offset == 66)
    }

    @Test func gapsBeyondTheLimitSplitRequests() throws {
        var device = simDevice(feeders: 3)
        device.maxGapRegisters = 11
        let plan = try ReadPlanner.plan(device)
        #expect(plan.scans[0].requests.map(\.label) == ["holding 0…7", "holding 20…27", "holding 40…47", "coil 0…2"])
    }

    @Test func bitReadsSplitAt2000() throws {
        var device = simDevice(feeders: 1)
        device.feeders = (0..<2100).map { k in
            FeederConfig(
                feederID: FeederID("F\(k)"), deviceID: DeviceID("SUB001-F\(k)"),
                map: RegisterMap(breaker: BreakerSpec(function: .discrete, address: k)))
        }
        let plan = try ReadPlanner.plan(device)
        #expect(plan.scans[0].requests.map(\.count) == [2000, 100])
        #expect(plan.scans[0].requests[1].points.first?.refs[0].feeder == 2000)
    }

    @Test func perPointReadsEveryPointAlone() throws {
        var device = simDevice(feeders: 2)
        device.readMode = .perPoint
        let plan = try ReadPlanner.plan(device)
        #expect(plan.requestCount == 10)
        #expect(plan.scans[0].requests.allSatisfy { $0.points.count == 1 && $0.points[0].offset == 0 })
    }

    @Test func scanClassesTakeTheirFieldsOutOfTheDefaultClass() throws {
        var device = simDevice(feeders: 2)
        device.scanClasses = [ScanClassConfig(name: "fast", interval: .milliseconds(100), fields: [.frequencyHz], breaker: true)]
        let plan = try ReadPlanner.plan(device)
        #expect(plan.scans.map(\.name) == ["default", "fast"])
        let fastRoles = Set(plan.scans[1].requests.flatMap(\.points).map(\.role))
        #expect(fastRoles == [.analog(.frequencyHz), .breaker])
        let defaultRoles = Set(plan.scans[0].requests.flatMap(\.points).map(\.role))
        #expect(defaultRoles == [.analog(.voltageKV), .analog(.currentA), .analog(.powerMW)])
    }

    @Test func overlappingPointsAreAConfigError() {
        var device = simDevice(feeders: 2)
        device.feeders[1].map = device.feeders[1].map.offset(registers: -15, bits: 0)  // FDR002 at 5
        #expect(throws: ConfigError.self) { try ReadPlanner.plan(device, file: "x.yaml", path: "devices[0]") }
    }

    @Test func overlapErrorsNameBothPointsAndTheirDefinitions() throws {
        var device = simDevice(feeders: 2)
        device.feeders[1].map = device.feeders[1].map.offset(registers: -14, bits: 0)  // FDR002.voltage_kv on FDR001.frequency_hz
        let error = try #require(throws: ConfigError.self) { try ReadPlanner.plan(device, file: "x.yaml", path: "devices[0]") }
        #expect(error.file == "x.yaml")
        #expect(error.keyPath == "devices[0].feeders[1]")
        #expect(error.message.hasPrefix(
            "FDR002.voltage_kv (holding 6…7 float32 ABCD ×1.0+0.0) overlaps FDR001.frequency_hz (holding 6…7 float32 ABCD ×1.0+0.0)"))
        #expect(error.message.contains("only the same field of different feeders may share a point"))
    }

    /// Two feeders of `simDevice` plus a third whose frequency is the shared bus register at input 300.
    func busFrequencyDevice(feeders: Int, spec: (Int) -> PointSpec) -> DeviceConfig {
        var device = simDevice(feeders: feeders)
        for k in device.feeders.indices { device.feeders[k].map.points[.frequencyHz] = spec(k) }
        return device
    }

    @Test func feedersNamingTheSameRegisterIdenticallyShareOneRead() throws {
        let bus = PointSpec(function: .input, address: 300, type: .uint16, scale: 0.001, offset: 50)
        for mode in [ReadMode.coalesced, .perPoint] {
            var device = busFrequencyDevice(feeders: 3) { _ in bus }
            device.readMode = mode
            let plan = try ReadPlanner.plan(device)
            let points = plan.scans.flatMap(\.requests).flatMap(\.points).filter { $0.role == .analog(.frequencyHz) }
            #expect(points.count == 1, "\(mode)")
            #expect(points.first?.refs.map(\.feeder) == [0, 1, 2])
            let requests = plan.scans.flatMap(\.requests).filter { $0.function == .input }
            #expect(requests.map(\.label) == ["input 300…300"], "\(mode)")
            #expect(plan.description.contains("FDR001+FDR002+FDR003.frequency_hz@+0 uint16 ABCD"))
        }
    }

    @Test func aSharedPointsValueReachesEveryFeederThatNamesIt() throws {
        let bus = PointSpec(function: .input, address: 300, type: .uint16, scale: 0.001, offset: 50)
        let device = busFrequencyDevice(feeders: 3) { _ in bus }
        let plan = try ReadPlanner.plan(device)
        let request = try #require(plan.scans[0].requests.first { $0.function == .input })
        var sample = ScanSample()
        try ScanDecoder.decode(RawResponse(request: request, registers: [9_990]), into: &sample, device: device)
        for feeder in 0..<3 { #expect(sample.analog[feeder, .frequencyHz] == 59.99) }
        #expect(sample.analog[0, .voltageKV] == nil)
    }

    @Test func aSharedBreakerIsReadOnceForBothFeeders() throws {
        var device = simDevice(feeders: 2)
        for k in device.feeders.indices { device.feeders[k].map.breaker = BreakerSpec(function: .discrete, address: 7, closedValue: 0) }
        let plan = try ReadPlanner.plan(device)
        let request = try #require(plan.scans[0].requests.first { $0.function == .discrete })
        #expect(request.points.count == 1 && request.count == 1)
        var sample = ScanSample()
        try ScanDecoder.decode(RawResponse(request: request, bits: [0]), into: &sample, device: device)
        #expect(sample.breakers[0] == true && sample.breakers[1] == true)
    }

    @Test(arguments: [
        ("scale", PointSpec(function: .input, address: 300, type: .uint16, scale: 0.01, offset: 50), "input 300 uint16 ABCD ×0.01+50.0"),
        ("type", PointSpec(function: .input, address: 300, type: .int16, scale: 0.001, offset: 50), "input 300 int16 ABCD ×0.001+50.0"),
        ("order", PointSpec(function: .input, address: 300, type: .uint16, order: .badc, scale: 0.001, offset: 50), "input 300 uint16 BADC ×0.001+50.0"),
        ("width", PointSpec(function: .input, address: 300, type: .float32), "input 300…301 float32 ABCD ×1.0+0.0"),
        ("start", PointSpec(function: .input, address: 299, type: .float32), "input 299…300 float32 ABCD ×1.0+0.0"),
    ])
    func aRegisterNamedWithDifferentDefinitionsIsAConflict(_ what: String, _ other: PointSpec, _ shown: String) throws {
        let bus = PointSpec(function: .input, address: 300, type: .uint16, scale: 0.001, offset: 50)
        let device = busFrequencyDevice(feeders: 2) { $0 == 1 ? other : bus }
        let error = try #require(throws: ConfigError.self, "\(what)") {
            try ReadPlanner.plan(device, file: "edge.yaml", path: "devices[3]")
        }
        #expect(error.file == "edge.yaml")
        // The later point in address order is the one reported; both definitions are named.
        #expect(error.keyPath == "devices[3].feeders[\(other.address < 300 ? 0 : 1)]")
        #expect(error.message.contains(shown), "\(what): \(error.message)")
        #expect(error.message.contains("input 300 uint16 ABCD ×0.001+50.0"), "\(what): \(error.message)")
    }

    @Test func twoFieldsOfOneFeederOnOneRegisterAreAConflictEvenWhenIdentical() throws {
        var device = simDevice(feeders: 1)
        device.feeders[0].map.points[.currentA] = device.feeders[0].map.points[.voltageKV]
        let error = try #require(throws: ConfigError.self) { try ReadPlanner.plan(device) }
        #expect(error.message.contains("FDR001.current_a"))
        #expect(error.message.contains("two points of one feeder cannot use the same registers"))
    }
}
