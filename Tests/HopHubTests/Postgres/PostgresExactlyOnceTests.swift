import Foundation
import HopProtocol
import HopTestSupport
import Logging
import PostgresNIO
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// Two hub replicas (two `PostgresStore`s, each with its own connection pool) committing the same
/// edge batch at the same moment store it once: one answers `stored`, the other `duplicate`.
/// A third connection holds the contended lock until both commits are queued behind it, so the
/// two really do race rather than happening to run one after the other.
@Suite struct PostgresExactlyOnceTests {
    static let logger = Logger(label: "test")

    /// Two stores on one fresh database, and a third for holding locks and inspecting.
    static func replicas() async throws -> (PostgresStore, PostgresStore, PostgresStore) {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        return (
            try await PostgresStore.open(settings: settings, logger: logger), try await PostgresStore.open(settings: settings, logger: logger),
            try await PostgresStore.open(settings: settings, logger: logger)
        )
    }

    static func batch(_ edge: String, seq: Int64, at now: Int64) -> IngestWrite {
        let reading = StoredTelemetry(
            Telemetry(substationID: "SUB001", feederID: FeederID(edge), voltageKV: 230, ts: SourceTime(epochMilliseconds: now + seq)), arrival: now)
        return IngestWrite(edge: (EdgeID(edge), seq, "key-\(edge)"), telemetry: [reading], arrival: now)
    }

    /// Sessions of this database waiting for a lock.
    static func waitingSessions(_ store: PostgresStore) async throws -> Int {
        let rows = try await store.client.query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
        for try await n in rows.decode(Int64.self) { return Int(n) }
        return 0
    }

    /// Readings stored in the head, every stored copy counted (the `telemetry` view shows one per key).
    static func readings(_ store: PostgresStore) async throws -> Int {
        for try await n in try await store.client.query("SELECT coalesce(sum(points), 0)::int8 FROM telemetry_head").decode(Int64.self) {
            return Int(n)
        }
        return 0
    }

    /// Runs `a` and `b` concurrently while `hold` (run on its own connection inside a transaction)
    /// keeps a lock they need; releases it once both wait for it, and returns their outcomes.
    static func race(
        holder: PostgresStore, hold: PostgresQuery, release: PostgresQuery = "COMMIT",
        _ a: @escaping @Sendable () async throws -> [IngestOutcome], _ b: @escaping @Sendable () async throws -> [IngestOutcome]
    ) async throws -> [[IngestOutcome]] {
        try await holder.client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            try await connection.query(hold, logger: logger)
            async let first = a()
            async let second = b()
            try await waitUntil("both replicas waiting for the held lock") { try await waitingSessions(holder) >= 2 }
            try await connection.query(release, logger: logger)
            return [try await first, try await second]
        }
    }

    @Test func twoReplicasCommittingAKnownEdgesNextBatchAtOnceStoreItOnce() async throws {
        let (a, b, holder) = try await Self.replicas()
        let now = SourceTime.now().epochMilliseconds
        #expect(try await a.commit([Self.batch("e1", seq: 1, at: now)]) == [.stored])
        let batch = Self.batch("e1", seq: 2, at: now)
        let outcomes = try await Self.race(
            holder: holder, hold: "SELECT 1 FROM edges WHERE edge_id = 'e1' FOR UPDATE",
            { try await a.commit([batch]) }, { try await b.commit([batch]) })
        #expect(outcomes.flatMap { $0 }.sorted { "\($0)" < "\($1)" } == [.duplicate, .stored])
        #expect(try await Self.readings(holder) == 2)
        #expect(try await holder.edges(scope: .all).map(\.lastSeq) == [2])
    }

    @Test func twoReplicasCommittingANewEdgesFirstBatchAtOnceStoreItOnce() async throws {
        let (a, b, holder) = try await Self.replicas()
        let now = SourceTime.now().epochMilliseconds
        let batch = Self.batch("e-new", seq: 1, at: now)
        // An uncommitted row of the same edge id: both replicas' placeholder inserts wait on the
        // unique key; rolled back, one creates the edge and the other waits on that one's row.
        let outcomes = try await Self.race(
            holder: holder,
            hold: "INSERT INTO edges (edge_id, high_water_seq, last_contact, key_name) VALUES ('e-new', 0, 0, 'key-e-new')",
            release: "ROLLBACK",
            { try await a.commit([batch]) }, { try await b.commit([batch]) })
        #expect(outcomes.flatMap { $0 }.sorted { "\($0)" < "\($1)" } == [.duplicate, .stored])
        #expect(try await Self.readings(holder) == 1)
        #expect(try await holder.edges(scope: .all).map(\.lastSeq) == [1])
    }

    @Test func groupCommitsNamingTwoEdgesInOppositeOrdersNeitherDeadlockNorDuplicate() async throws {
        let (a, b, holder) = try await Self.replicas()
        let now = SourceTime.now().epochMilliseconds
        #expect(try await a.commit([Self.batch("e1", seq: 1, at: now), Self.batch("e2", seq: 1, at: now)]) == [.stored, .stored])
        let e1 = Self.batch("e1", seq: 2, at: now)
        let e2 = Self.batch("e2", seq: 2, at: now)
        let outcomes = try await Self.race(
            holder: holder, hold: "SELECT 1 FROM edges WHERE edge_id IN ('e1', 'e2') FOR UPDATE",
            { try await a.commit([e1, e2]) }, { try await b.commit([e2, e1]) })
        // Each batch stored by exactly one replica: per batch, one `stored` and one `duplicate`.
        let e1Outcomes = [outcomes[0][0], outcomes[1][1]]
        let e2Outcomes = [outcomes[0][1], outcomes[1][0]]
        #expect(e1Outcomes.filter { $0 == .stored }.count == 1 && e1Outcomes.filter { $0 == .duplicate }.count == 1)
        #expect(e2Outcomes.filter { $0 == .stored }.count == 1 && e2Outcomes.filter { $0 == .duplicate }.count == 1)
        #expect(try await Self.readings(holder) == 4)
        #expect(try await holder.edges(scope: .all).map(\.lastSeq) == [2, 2])
    }

    @Test func aRefusedNewEdgeLeavesNoPlaceholderBehind() async throws {
        let (a, _, holder) = try await Self.replicas()
        let now = SourceTime.now().epochMilliseconds
        _ = try await a.commit([IngestWrite(
            outages: [StoredOutage(ts: now, substationID: "SUB001", outage: Outage(outageID: "O1", status: "ACTIVE"))], arrival: now)])
        var refused = Self.batch("e-refused", seq: 1, at: now)
        refused.outages = [StoredOutage(ts: now, substationID: "SUB002", outage: Outage(outageID: "O1", status: "ACTIVE"))]
        guard case .conflict = try await a.commit([refused])[0] else {
            Issue.record("expected a conflict")
            return
        }
        #expect(try await holder.edges(scope: .all).isEmpty)
        #expect(try await holder.edges(ids: ["e-refused"]).isEmpty)
    }
}
