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
        #expect(plan.scans[0].requests[1].points.first?.ref.feeder == 2000)
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
        let fastRoles = Set(plan.scans[1].requests.flatMap(\.points).map(\.ref.role))
        #expect(fastRoles == [.analog(.frequencyHz), .breaker])
        let defaultRoles = Set(plan.scans[0].requests.flatMap(\.points).map(\.ref.role))
        #expect(defaultRoles == [.analog(.voltageKV), .analog(.currentA), .analog(.powerMW)])
    }

    @Test func overlappingPointsAreAConfigError() {
        var device = simDevice(feeders: 2)
        device.feeders[1].map = device.feeders[1].map.offset(registers: -15, bits: 0)  // FDR002 at 5
        #expect(throws: ConfigError.self) { try ReadPlanner.plan(device, file: "x.yaml", path: "devices[0]") }
    }
}
