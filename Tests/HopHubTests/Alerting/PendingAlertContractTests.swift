import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHubCore

/// The pending-alert contract (`alert_pending`) on both backends, each `open()` of a `TestDatabase`
/// being another hub process's store: a candidate event's pending row commits with the event and
/// survives a restart; two claimers never take the same row; a decision removes its row in its own
/// transaction, so the event is never decided twice; a claim that runs out is taken over.
@Suite struct PendingAlertContractTests {
    typealias Backend = StoreContractTests.Backend
    static let now: Int64 = 1_800_000_000_000
    static let policy = AlertPolicy(settings: AlertSettings())
    static let mail = OutboxMessage(recipients: ["ops@example.com"], subject: "trip", body: "b")

    /// A batch with a trip (ALARM), an INFO trip and a breaker event: only the first is a candidate.
    static func tripBatch(feeder: String = "FDR001", at ts: Int64 = now) -> IngestWrite {
        IngestWrite(
            events: [
                AlertFixtures.event("FEEDER_TRIP", feeder: feeder, ts: ts),
                AlertFixtures.event("FEEDER_TRIP", feeder: feeder, severity: "INFO", ts: ts + 1),
                AlertFixtures.event("BREAKER_OPEN", feeder: feeder, ts: ts + 2),
            ], arrival: ts)
    }

    static func pending(_ store: any HubStore) async throws -> Int {
        try await StoreTestData.count(store, "SELECT count(*) FROM alert_pending")
    }

    static func decisions(_ store: any HubStore) async throws -> Int {
        try await StoreTestData.count(store, "SELECT count(*) FROM alert_log")
    }

    @Test(arguments: Backend.allCases)
    func aPendingRowCommittedWithItsTripSurvivesARestartAndIsDecidedThenOnce(_ backend: Backend) async throws {
        let db = try await TestDatabase.fresh(backend)
        let first = try await db.open()
        #expect(try await first.commit([Self.tripBatch()]) == [.stored])
        #expect(try await Self.pending(first) == 1)
        try await first.close()  // the process ends before deciding

        let second = try await db.open()
        let claimed = try await second.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now + 60_000)
        #expect(claimed.count == 1)
        let candidate = try #require(claimed.first?.candidate)
        #expect(candidate.kind == .trip && candidate.feederID == "FDR001" && candidate.sourceTs == Self.now)
        #expect(candidate.event?.oldState == "CLOSED" && candidate.event?.newState == "OPEN")
        let entry = try await second.decideAlert(candidate, policy: Self.policy, message: Self.mail, now: Self.now + 60_000)
        #expect(entry.outcome == "sent")
        #expect(try await Self.pending(second) == 0)
        #expect(try await second.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now + 3_600_000).isEmpty)
        #expect(try await second.claimOutbox(now: Self.now + 60_000, limit: 10, claimMs: 1000).count == 1)
        try await second.close()
    }

    @Test(arguments: Backend.allCases)
    func aRefusedOrDuplicateBatchLeavesNoPendingRow(_ backend: Backend) async throws {
        let store = try await TestDatabase.store(backend)
        var batch = Self.tripBatch()
        batch.edge = (EdgeID("edge-1"), 1, "key-1")
        #expect(try await store.commit([batch, batch]) == [.stored, .duplicate])
        #expect(try await Self.pending(store) == 1)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func twoClaimersAtOnceNeverTakeTheSameEvent(_ backend: Backend) async throws {
        let db = try await TestDatabase.fresh(backend)
        let a = try await db.open()
        let b = try await db.open()
        for i in 0..<12 { #expect(try await a.commit([Self.tripBatch(feeder: "F\(i)", at: Self.now + Int64(i))]) == [.stored]) }
        async let fromA = a.claimPendingAlerts(limit: 8, claimMs: 30_000, now: Self.now)
        async let fromB = b.claimPendingAlerts(limit: 8, claimMs: 30_000, now: Self.now)
        let (takenA, takenB) = (Set(try await fromA.compactMap(\.key)), Set(try await fromB.compactMap(\.key)))
        #expect(takenA.isDisjoint(with: takenB))
        #expect(takenA.count + takenB.count == 12)
        #expect(takenA.count <= 8 && takenB.count <= 8)
        try await a.close()
        try await b.close()
    }

    @Test(arguments: Backend.allCases)
    func twoDecidersAtOnceDecideEachEventOnce(_ backend: Backend) async throws {
        let db = try await TestDatabase.fresh(backend)
        let a = try await db.open()
        let b = try await db.open()
        for i in 0..<6 { #expect(try await a.commit([Self.tripBatch(feeder: "F\(i)", at: Self.now + Int64(i))]) == [.stored]) }
        let clock = TestClock(Self.now)
        let deciderA = AlertPendingService(store: a, engine: AlertFixtures.engine(a, clock: clock), batch: 2, now: clock.closure, logger: Logger(label: "test"))
        let deciderB = AlertPendingService(store: b, engine: AlertFixtures.engine(b, clock: clock), batch: 2, now: clock.closure, logger: Logger(label: "test"))
        async let fromA = deciderA.decidePending()
        async let fromB = deciderB.decidePending()
        let decided = await fromA.count + fromB.count
        #expect(decided == 6)
        #expect(try await Self.decisions(a) == 6)
        #expect(try await Self.pending(a) == 0)
        try await a.close()
        try await b.close()
    }

    @Test(arguments: Backend.allCases)
    func aDecisionRemovesItsPendingRowSoTheEventIsNeverDecidedAgain(_ backend: Backend) async throws {
        let store = try await TestDatabase.store(backend)
        #expect(try await store.commit([Self.tripBatch()]) == [.stored])
        let candidate = try #require(try await store.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now).first?.candidate)
        #expect(try await store.decideAlert(candidate, policy: Self.policy, message: Self.mail, now: Self.now).outcome == "sent")
        #expect(try await Self.pending(store) == 0)
        // Long after any claim would have run out, nothing is due.
        #expect(try await store.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now + 86_400_000).isEmpty)
        // A decider still holding the candidate writes nothing.
        await #expect(throws: AlertAlreadyDecided(key: try #require(candidate.pending))) {
            try await store.decideAlert(candidate, policy: Self.policy, message: Self.mail, now: Self.now + 1)
        }
        #expect(try await Self.decisions(store) == 1)
        #expect(try await store.claimOutbox(now: Self.now + 1, limit: 10, claimMs: 1000).count == 1)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func aClaimThatRunsOutIsTakenOverAndTheLateClaimerWritesNothing(_ backend: Backend) async throws {
        let db = try await TestDatabase.fresh(backend)
        let a = try await db.open()
        let b = try await db.open()
        #expect(try await a.commit([Self.tripBatch()]) == [.stored])
        let late = try #require(try await a.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now).first?.candidate)
        // While a's claim lasts, b finds nothing due; once it has run out, b takes the event over.
        #expect(try await b.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now + 29_999).isEmpty)
        let taken = try #require(try await b.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now + 30_000).first?.candidate)
        #expect(taken.pending == late.pending)
        #expect(try await b.decideAlert(taken, policy: Self.policy, message: Self.mail, now: Self.now + 30_000).outcome == "sent")
        await #expect(throws: AlertAlreadyDecided.self) {
            try await a.decideAlert(late, policy: Self.policy, message: Self.mail, now: Self.now + 30_001)
        }
        #expect(try await Self.decisions(a) == 1)
        #expect(try await a.claimOutbox(now: Self.now + 30_001, limit: 10, claimMs: 1000).count == 1)
        try await a.close()
        try await b.close()
    }

    @Test(arguments: Backend.allCases)
    func aPendingRowWhoseEventRetentionRemovedIsDroppedByTheClaim(_ backend: Backend) async throws {
        let store = try await TestDatabase.store(backend)
        #expect(try await store.commit([Self.tripBatch()]) == [.stored])
        try await StoreTestData.execute(store, sqlite: "DELETE FROM events", postgres: "DELETE FROM events")
        #expect(try await store.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now).isEmpty)
        #expect(try await Self.pending(store) == 0)
        try await store.close()
    }

    // MARK: Anomalies

    static func score(_ sub: String, at ts: Int64, z: Double) -> StoredScore {
        let anomaly = abs(z) >= 3
        return StoredScore(
            ts: ts, substationID: SubstationID(sub),
            result: ZScoreModel.Result(
                anomalyScore: min(abs(z) / 3, 1), isAnomaly: anomaly, zScore: z, baselineMean: 60, baselineStd: 0.01,
                latestValue: 60 + z * 0.01, classification: anomaly ? .anomaly : .normal))
    }

    static func pendingScores(_ store: any HubStore) async throws -> Int {
        try await StoreTestData.count(store, "SELECT count(*) FROM alert_pending_scores")
    }

    @Test(arguments: Backend.allCases)
    func anAnomalyScoreWrittenBeforeARestartIsDecidedOnceByTheNextProcess(_ backend: Backend) async throws {
        let db = try await TestDatabase.fresh(backend)
        let first = try await db.open()
        let pass = [Self.score("SUB001", at: Self.now, z: 4.5), Self.score("SUB002", at: Self.now, z: 0.2)]
        try await first.writeScores(pass)
        try await first.writeScores(pass)  // a rerun of the pass keeps one row
        #expect(try await Self.pendingScores(first) == 1)
        try await first.close()

        let second = try await db.open()
        let claimed = try await second.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now + 1000)
        let candidate = try #require(claimed.first?.candidate)
        #expect(claimed.count == 1)
        #expect(candidate.kind == .anomaly && candidate.substationID == "SUB001" && candidate.sourceTs == Self.now)
        #expect(candidate.score?.result.zScore == 4.5 && candidate.score?.result.classification == .anomaly)
        #expect(try await second.claimPendingAlerts(limit: 10, claimMs: 30_000, now: Self.now + 2000).isEmpty)
        #expect(try await second.decideAlert(candidate, policy: Self.policy, message: Self.mail, now: Self.now + 1000).outcome == "sent")
        #expect(try await Self.pendingScores(second) == 0)
        await #expect(throws: AlertAlreadyDecided(key: .score("SUB001", ts: Self.now))) {
            try await second.decideAlert(candidate, policy: Self.policy, message: Self.mail, now: Self.now + 2000)
        }
        #expect(try await Self.decisions(second) == 1)
        try await second.close()
    }

    @Test(arguments: Backend.allCases)
    func oneClaimTakesTripsFirstThenAnomaliesWithinItsLimit(_ backend: Backend) async throws {
        let store = try await TestDatabase.store(backend)
        try await store.writeScores([Self.score("SUB001", at: Self.now - 5000, z: 5), Self.score("SUB002", at: Self.now - 5000, z: -5)])
        #expect(try await store.commit([Self.tripBatch(feeder: "F1"), Self.tripBatch(feeder: "F2")]) == [.stored, .stored])
        let first = try await store.claimPendingAlerts(limit: 3, claimMs: 30_000, now: Self.now).map(\.candidate.kind)
        #expect(first == [.trip, .trip, .anomaly])
        let rest = try await store.claimPendingAlerts(limit: 3, claimMs: 30_000, now: Self.now).map(\.candidate)
        #expect(rest.map(\.kind) == [.anomaly])
        #expect(rest.first?.substationID == "SUB002")
        try await store.close()
    }
}
