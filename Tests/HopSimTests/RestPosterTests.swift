import Foundation
import HopProtocol
import Logging
import Synchronization
import Testing

@testable import HopSim

/// Records what would have been POSTed.
final class RecordingClient: IngestClient {
    let posts = Mutex<[(String, Data)]>([])
    func post(path: String, body: Data) async throws(IngestError) {
        posts.withLock { $0.append((path, body)) }
    }
}

struct FixedClock: SimClock {
    var ms: Int64
    func nowMs() -> Int64 { ms }
}

@Suite struct RestPosterTests {
    @Test func postsSeedTelemetryPerFeederAndEventsPerTransition() async throws {
        let state = SimulationState(sites: SiteCatalog.sites(count: 2), feeders: 3, model: ValueModel(seed: 3), startedMs: 0)
        state.apply(.trip(substation: 1, feeder: 2, durationMs: 2_000), at: 4_000)
        state.apply(.silent(substation: 0, durationMs: nil), at: 9_000)
        let client = RecordingClient()
        let poster = RestPoster(
            client: client, state: state, clock: FixedClock(ms: 0), intervalMs: 5_000, logger: Logger(label: "test"))

        var posted = Set<FaultTimeline.BreakerTransition>()
        await poster.post(tick: 5_000, posted: &posted)
        var posts = client.posts.withLock { $0 }
        #expect(posts.filter { $0.0 == "/api/ingest/telemetry" }.count == 6)
        let events = try posts.filter { $0.0 == "/api/ingest/event" }.map { try JSONDecoder().decode(GridEvent.self, from: $0.1) }
        #expect(events.count == 1)
        #expect(events[0].eventType == "FEEDER_TRIP" && events[0].severity == "ALARM")
        #expect(events[0].feederID == FeederID("FDR003") && events[0].substationID == SubstationID("SUB002"))
        #expect(events[0].ts == SourceTime(epochMilliseconds: 4_000))
        #expect(events[0].oldState == "CLOSED" && events[0].newState == "OPEN")
        let outages = try posts.filter { $0.0 == "/api/ingest/outage" }.map { try JSONDecoder().decode(Outage.self, from: $0.1) }
        #expect(outages.count == 1)
        #expect(outages[0].outageID == OutageID("OUT-SUB002-FDR003-4000") && outages[0].status == "ACTIVE")
        #expect((outages[0].customersOut ?? 0) >= 5 && (outages[0].mwInterrupted ?? 0) > 50)
        #expect(outages[0].etrTime == SourceTime(epochMilliseconds: 6_000))  // the scripted reclose
        #expect(outages[0].ts == SourceTime(epochMilliseconds: 4_000))

        // The tripped feeder's telemetry shows nothing flowing; ts is the tick.
        let telemetry = try posts.filter { $0.0 == "/api/ingest/telemetry" }
            .map { try JSONDecoder().decode(Telemetry.self, from: $0.1) }
        let tripped = try #require(telemetry.first { $0.deviceID == DeviceID("SUB002-FDR003") })
        #expect(tripped.currentA == 0 && tripped.powerMW == 0 && tripped.ts == SourceTime(epochMilliseconds: 5_000))
        #expect(tripped.siteName == "Salem South" && tripped.latitude == 44.9429)
        let json = try #require(posts.first { $0.0 == "/api/ingest/telemetry" }.map { String(decoding: $0.1, as: UTF8.self) })
        #expect(json.contains("\"voltage_kv\"") && json.contains("\"frequency_hz\"") && json.contains("\"substation_id\""))

        client.posts.withLock { $0.removeAll() }
        await poster.post(tick: 10_000, posted: &posted)
        posts = client.posts.withLock { $0 }
        // SUB001 is silent: only SUB002's three feeders, plus the automatic reclose at 6 s.
        #expect(posts.filter { $0.0 == "/api/ingest/telemetry" }.count == 3)
        let restore = try posts.filter { $0.0 == "/api/ingest/event" }.map { try JSONDecoder().decode(GridEvent.self, from: $0.1) }
        #expect(restore.map(\.eventType) == ["FEEDER_RESTORE"])
        #expect(restore.first?.ts == SourceTime(epochMilliseconds: 6_000))
        let ended = try posts.filter { $0.0 == "/api/ingest/outage" }.map { try JSONDecoder().decode(Outage.self, from: $0.1) }
        #expect(ended.map(\.outageID) == [OutageID("OUT-SUB002-FDR003-4000")])
        #expect(ended.first?.isResolved == true && ended.first?.customersOut == 0)

        // A transition recorded late (a scenario event played after its instant) is still posted, once.
        state.apply(.trip(substation: 1, feeder: 0, durationMs: nil), at: 9_500)
        client.posts.withLock { $0.removeAll() }
        await poster.post(tick: 15_000, posted: &posted)
        await poster.post(tick: 20_000, posted: &posted)
        let late = client.posts.withLock { $0 }.filter { $0.0 == "/api/ingest/event" }
        #expect(late.count == 1)
    }

    @Test func postsOnlyTheChosenKinds() async throws {
        let state = SimulationState(sites: SiteCatalog.sites(count: 1), feeders: 2, model: ValueModel(seed: 3), startedMs: 0)
        state.apply(.trip(substation: 0, feeder: 0, durationMs: nil), at: 1_000)
        let client = RecordingClient()
        let poster = RestPoster(
            client: client, state: state, clock: FixedClock(ms: 0), intervalMs: 5_000, kinds: [.outages],
            logger: Logger(label: "test"))
        var posted = Set<FaultTimeline.BreakerTransition>()
        await poster.post(tick: 5_000, posted: &posted)
        #expect(client.posts.withLock { $0.map(\.0) } == ["/api/ingest/outage"])
    }
}
