import ArgumentParser
import Foundation
import HopEdge
import HopProtocol
import Logging
import NIOCore
import NIOPosix

/// `hop-upload-fleet-bench`: N edges, each running the real `Uploader` loop (its retry policy and
/// probes) over an in-memory journal, upload to one local hub; the hub is stopped for `--outage`
/// seconds and started again. Each edge journals 4 readings a second and one FEEDER_TRIP at a
/// random moment of the outage. Prints what the fleet sent while the hub was away, what the hub
/// saw in the seconds after it came back, how long after its return each trip was committed, and
/// when every edge's outage backlog was in.
@main
struct FleetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hop-upload-fleet-bench")

    @Option(help: "Edges in the fleet.") var edges = 1000
    @Option(help: "Seconds the hub is away.") var outage = 30.0
    @Option(help: "Seconds of normal uploads before the outage.") var warmup = 5.0
    @Option(help: "The hub writer's time per batch, in ms (its capacity is 1000/this batches/s).") var serviceMs = 1.0
    @Option(help: "Batches the hub's writer queues before answering 503 + Retry-After.") var queue = 256
    @Option(help: "Give up this many seconds after the hub's return.") var limit = 120.0

    func run() async throws {
        let traffic = Traffic()
        let trips = TripArrivals(traffic: traffic)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let port = try await Self.freePort(group)
        let hub = FleetHub(
            port: port, traffic: traffic, writer: WriterModel(service: .microseconds(Int64(serviceMs * 1000)), queueLimit: queue),
            trips: trips)
        var hubTask = Task { try await hub.run() }
        let watcher = FleetClient(group: group, port: port, traffic: Traffic())
        try await Self.waitForHub(watcher)

        let journals = (0..<edges).map { _ in MemoryJournal() }
        let clients = (0..<edges).map { _ in FleetClient(group: group, port: port, traffic: traffic) }
        let quiet = Logger(label: "fleet", factory: { _ in SwiftLogNoOpLogHandler() })
        let uploaders = (0..<edges).map { i in
            Uploader(
                edgeID: EdgeID("edge-\(i)"), journal: journals[i], client: clients[i], board: DeviceStatusBoard(),
                config: UploadConfig(gzip: false), clock: SystemEdgeClock(), logger: quiet)
        }
        let loops = uploaders.map { uploader in Task { await uploader.loop() } }
        let outageStart = traffic.now() + warmup
        let tripAt = (0..<edges).map { _ in outageStart + Double.random(in: 1...max(1, outage - 1)) }
        let producer = Task { try await Self.produce(journals, tripAt: tripAt, traffic: traffic) }

        try await Task.sleep(for: .seconds(warmup))
        hubTask.cancel()
        _ = await hubTask.result
        for client in clients { client.close() }
        let down = traffic.now()
        try await Task.sleep(for: .seconds(outage))
        hubTask = Task { try await hub.run() }
        try await Self.waitForHub(watcher)
        let back = traffic.now()
        var marks: [Int64] = []
        for journal in journals { marks.append(await journal.appendedThrough) }

        var drained: Double?
        while traffic.now() - back < limit {
            var behind = 0
            for (i, journal) in journals.enumerated() where await journal.acknowledgedThrough < marks[i] { behind += 1 }
            if behind == 0 && trips.all.count == edges {
                drained = traffic.now() - back
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let ended = traffic.now()
        producer.cancel()
        for loop in loops { loop.cancel() }
        for loop in loops { await loop.value }
        hubTask.cancel()
        _ = await hubTask.result
        try await group.shutdownGracefully()

        let delays = trips.all.values.map { $0 - back }.sorted()
        print(FleetReport(
            edges: edges, outage: back - down, traffic: traffic, down: down, back: back, tripDelays: delays,
            drained: drained, ended: ended, serviceMs: serviceMs, queue: queue
        ).text)
    }

    /// 4 readings per edge per second, and each edge's trip at its moment.
    static func produce(_ journals: [MemoryJournal], tripAt: [Double], traffic: Traffic) async throws {
        var tripped = Array(repeating: false, count: journals.count)
        while !Task.isCancelled {
            let now = SourceTime.now()
            for (i, journal) in journals.enumerated() {
                var entries = (1...4).map { k in
                    JournalEntry.telemetry(Telemetry(
                        substationID: SubstationID("SUB\(i)"), feederID: FeederID("FDR00\(k)"), deviceID: DeviceID("SUB\(i)-FDR00\(k)"),
                        voltageKV: 13.8, currentA: 410, powerMW: 9.5, frequencyHz: 60.0, ts: now))
                }
                if !tripped[i], traffic.now() >= tripAt[i] {
                    tripped[i] = true
                    entries.append(.event(GridEvent(
                        substationID: SubstationID("SUB\(i)"), deviceID: DeviceID("SUB\(i)-FDR001"), feederID: "FDR001",
                        severity: "ALARM", eventType: "FEEDER_TRIP", oldState: "CLOSED", newState: "OPEN", ts: now)))
                }
                try await journal.append(entries, state: nil)
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    static func freePort(_ group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    static func waitForHub(_ client: FleetClient) async throws {
        while (try? await client.probe()) != 200 { try await Task.sleep(for: .milliseconds(10)) }
    }
}
