import Foundation
import HopProtocol
import HopTestSupport
import Logging
import PostgresNIO
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// Group commits side by side on PostgreSQL: the writer runs another group while one waits, and a
/// group PostgreSQL ends as a deadlock victim is committed again, once.
@Suite struct PostgresConcurrentCommitsTests {
    typealias Replicas = PostgresExactlyOnceTests
    static let logger = Logger(label: "test")

    /// Readings of `edge`'s feeder in the head, every stored copy counted (the test batches name the feeder after the edge).
    static func readings(of edge: String, _ store: PostgresStore) async throws -> Int {
        for try await n in try await store.client.query(
            "SELECT coalesce(sum(points), 0)::int8 FROM telemetry_head WHERE feeder_id = \(edge)"
        ).decode(Int64.self) {
            return Int(n)
        }
        return 0
    }

    @Test func theWriterCommitsAnotherGroupWhileOneWaitsForARowLock() async throws {
        let (store, _, holder) = try await Replicas.replicas()
        #expect(store.concurrentCommits == 4)
        let now = SourceTime.now().epochMilliseconds
        #expect(try await store.commit([Replicas.batch("e1", seq: 1, at: now)]) == [.stored])
        let writer = IngestWriter(store: store, maxPendingRecords: 1_000, metrics: HubMetrics(), logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            try await holder.client.withConnection { connection in
                try await connection.query("BEGIN", logger: Self.logger)
                try await connection.query("SELECT 1 FROM edges WHERE edge_id = 'e1' FOR UPDATE", logger: Self.logger)
                let blocked = Task { try await writer.submit(Replicas.batch("e1", seq: 2, at: now)) }
                try await waitUntil("e1's group waiting for its edge row") { try await Replicas.waitingSessions(holder) >= 1 }
                // A writer with one group in flight would hold e2's write behind e1's until the lock goes.
                let beside = Task { try await writer.submit(Replicas.batch("e2", seq: 1, at: now)) }
                try await waitUntil("e2's group stored while e1's waits") { try await Self.readings(of: "e2", holder) == 1 }
                #expect(try await beside.value == .stored)
                #expect(try await Self.readings(of: "e1", holder) == 1)
                try await connection.query("COMMIT", logger: Self.logger)
                #expect(try await blocked.value == .stored)
            }
            #expect(try await Self.readings(of: "e1", holder) == 2)
            group.cancelAll()
        }
    }

    @Test func aGroupEndedAsADeadlockVictimIsCommittedAgainOnce() async throws {
        // PostgreSQL looks for a deadlock once, `deadlock_timeout` after a session starts waiting.
        // The store's sessions look after 3 s and the holder's after 60 s, so the cycle below is
        // complete when the group looks, and the group, not the holder, is the one ended.
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        let holder = try await PostgresStore.open(settings: settings, logger: Self.logger)
        _ = try await holder.fetch(PostgresQuery(unsafeSQL: "ALTER DATABASE \"\(settings.database)\" SET deadlock_timeout = '3s'"))
        let store = try await PostgresStore.open(settings: settings, logger: Self.logger)
        let now = SourceTime.now().epochMilliseconds
        #expect(try await store.commit([Replicas.batch("e1", seq: 1, at: now)]) == [.stored])
        try await holder.client.withConnection { connection in
            // The holder takes the series' latest row; the group locks its edge row and then waits
            // for that latest row; the holder then waits for the edge row: a cycle.
            try await connection.query("SET deadlock_timeout = '60s'", logger: Self.logger)
            try await connection.query("BEGIN", logger: Self.logger)
            try await connection.query("SELECT 1 FROM telemetry_latest WHERE feeder_id = 'e1' FOR UPDATE", logger: Self.logger)
            let group = Task { try await store.commit([Replicas.batch("e1", seq: 2, at: now)]) }
            try await waitUntil("the group waiting for the latest row") { try await Replicas.waitingSessions(holder) >= 1 }
            try await connection.query("SELECT 1 FROM edges WHERE edge_id = 'e1' FOR UPDATE", logger: Self.logger)
            try await connection.query("ROLLBACK", logger: Self.logger)
            #expect(try await group.value == [.stored])
        }
        #expect(try await Self.readings(of: "e1", holder) == 2)
        #expect(try await holder.edges(scope: .all).map(\.lastSeq) == [2])
        let latest = try #require(try await holder.latestReadings(since: 0, scope: .all).first)
        #expect(latest.time.epochMilliseconds == now + 2)
    }
}
