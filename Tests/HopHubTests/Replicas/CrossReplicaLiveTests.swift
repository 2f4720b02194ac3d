import Foundation
import HopProtocol
import HopTestSupport
import Logging
import PostgresNIO
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// Two replicas on one PostgreSQL database: a stream on replica B sees a reading (and an event,
/// read back from the shared store) committed through replica A's writer, carried by
/// LISTEN/NOTIFY, within 2 s; A's own listener ignores A's news.
@Suite(.serialized) struct CrossReplicaLiveTests {
    static let logger = Logger(label: "test")

    /// Sessions of this database that have run LISTEN (the listener is ready for news).
    static func listeners(_ store: PostgresStore) async throws -> Int {
        let rows = try await store.client.query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'", logger: logger)
        for try await n in rows.decode(Int64.self) { return Int(n) }
        return 0
    }

    struct Replica {
        let store: PostgresStore
        let relay: PostgresLiveRelay
        let feed: LiveFeed
        let writer: IngestWriter
        let listener: PostgresLiveListener

        init(_ store: PostgresStore, id: String) {
            self.store = store
            relay = PostgresLiveRelay(store: store, replicaID: id)
            let feed = LiveFeed(lookups: store, relay: relay, logger: CrossReplicaLiveTests.logger)
            self.feed = feed
            writer = IngestWriter(store: store, maxPendingRecords: 10_000, metrics: HubMetrics(), logger: CrossReplicaLiveTests.logger, observers: [feed])
            // No pings during a test: they would replace LISTEN as the session's last query, which
            // is how the tests see that a listener is ready.
            listener = PostgresLiveListener(
                store: store, replicaID: id, pingInterval: .seconds(3600), receive: { feed.receive($0) }, interrupted: { feed.relayInterrupted(reason: $0) })
        }

        func run(in group: inout ThrowingTaskGroup<Void, any Error>) {
            let (relay, feed, writer, listener) = (relay, feed, writer, listener)
            group.addTask { await relay.run() }
            group.addTask { try await feed.run() }
            group.addTask { try await writer.run() }
            group.addTask { await listener.run() }
        }
    }

    /// Every message of `kind` the stream receives until `enough` says stop.
    static func collect(_ feed: LiveFeed, _ id: UUID, until enough: @escaping @Sendable ([LiveMessage]) -> Bool) async throws -> [LiveMessage] {
        try await finish("the messages on replica B", timeout: .seconds(2)) {
            var seen: [LiveMessage] = []
            while !enough(seen), let frames = await feed.next(id) {
                for case .message(let m) in frames { seen.append(m) }
            }
            return seen
        }
    }

    @Test func aStreamOnReplicaBSeesWhatReplicaACommitsWithinTwoSeconds() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        let a = Replica(try await PostgresStore.open(settings: settings, logger: Self.logger), id: "replica-a")
        let b = Replica(try await PostgresStore.open(settings: settings, logger: Self.logger), id: "replica-b")
        try await withThrowingTaskGroup(of: Void.self) { group in
            a.run(in: &group)
            b.run(in: &group)
            try await waitUntil("both replicas to LISTEN") { try await Self.listeners(a.store) == 2 }
            let onB = try await b.feed.subscribe(scope: .all, user: nil, key: "dashboard")
            let onA = try await a.feed.subscribe(scope: .all, user: nil, key: "dashboard")
            let now = SourceTime.now().epochMilliseconds
            let reading = StoredTelemetry(
                Telemetry(substationID: "SUB007", feederID: "FDR001", voltageKV: 231.5, ts: SourceTime(epochMilliseconds: now)), arrival: now)
            let trip = StoredEvent(ts: now, substationID: "SUB007", event: GridEvent(substationID: "SUB007", severity: "ALARM", eventType: "FEEDER_TRIP"))
            let sent = ContinuousClock.now
            let outcome = try await a.writer.submit(
                IngestWrite(edge: (EdgeID("edge-7"), 1, "k"), telemetry: [reading], events: [trip], arrival: now))
            #expect(outcome == .stored)
            let kinds: Set<LiveEventKind> = [.reading, .event, .edge]
            let onBSeen = try await Self.collect(b.feed, onB) { Set($0.map(\.kind)).isSuperset(of: kinds) }
            let latency = ContinuousClock.now - sent
            print("cross-replica live latency (commit on A → stream on B): \(latency)")
            let readingJSON = try #require(onBSeen.first { $0.kind == .reading }).json
            #expect(readingJSON.contains(#""substation_id":"SUB007""#) && readingJSON.contains("231.5"))
            #expect(try #require(onBSeen.first { $0.kind == .event }).json.contains("FEEDER_TRIP"))
            #expect(try #require(onBSeen.first { $0.kind == .edge }).json.contains("edge-7"))
            // A's own stream gets the commit once, from its writer, not again through its listener.
            let onASeen = try await Self.collect(a.feed, onA) { Set($0.map(\.kind)).isSuperset(of: kinds) }
            #expect(onASeen.filter { $0.kind == .event }.count == 1)
            group.cancelAll()
        }
        try await a.store.close()
        try await b.store.close()
    }

    @Test func aListenerThatLostItsConnectionListensAgainAndTellsStreamsToResync() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        let a = Replica(try await PostgresStore.open(settings: settings, logger: Self.logger), id: "replica-a")
        let b = Replica(try await PostgresStore.open(settings: settings, logger: Self.logger), id: "replica-b")
        try await withThrowingTaskGroup(of: Void.self) { group in
            a.run(in: &group)
            b.run(in: &group)
            try await waitUntil("both replicas to LISTEN") { try await Self.listeners(a.store) == 2 }
            let onB = try await b.feed.subscribe(scope: .all, user: nil, key: "dashboard")
            // The server ends every LISTEN session (as a restart would).
            try await a.store.client.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
                logger: Self.logger)
            let resync = try await finish("the resync on replica B") { () async -> LiveMessage? in
                while let frames = await b.feed.next(onB) {
                    for case .message(let m) in frames where m.kind == .resync { return m }
                }
                return nil
            }
            #expect(resync?.json.contains("interrupted") == true)
            try await waitUntil("both replicas to LISTEN again") { try await Self.listeners(a.store) == 2 }
            let now = SourceTime.now().epochMilliseconds
            let reading = StoredTelemetry(
                Telemetry(substationID: "SUB008", feederID: "FDR001", voltageKV: 229, ts: SourceTime(epochMilliseconds: now)), arrival: now)
            #expect(try await a.writer.submit(IngestWrite(telemetry: [reading], arrival: now)) == .stored)
            let seen = try await Self.collect(b.feed, onB) { $0.contains { $0.kind == .reading } }
            #expect(seen.contains { $0.kind == .reading && $0.json.contains("SUB008") })
            group.cancelAll()
        }
        try await a.store.close()
        try await b.store.close()
    }
}
