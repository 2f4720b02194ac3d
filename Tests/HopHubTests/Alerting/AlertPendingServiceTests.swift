import Foundation
import HopProtocol
import HopTestSupport
import Logging
import Synchronization
import Testing

@testable import HopHubCore

/// `AlertPendingService` on both backends: what was committed while no decider ran (a hub that
/// stopped between commit and decision) is decided when one runs, once; the writer's ring wakes a
/// running service at once; a decider that fails after claiming leaves the event to the next claimer.
@Suite struct AlertPendingServiceTests {
    typealias Backend = StoreContractTests.Backend
    static let logger = Logger(label: "test")

    static func service(_ store: any HubBackend, clock: TestClock, poll: Duration = .seconds(3600), engineStore: (any AlertStore)? = nil)
        -> AlertPendingService
    {
        let engine = AlertFixtures.engine(store, clock: clock)
        let deciding = engineStore.map {
            AlertEngine(
                store: $0, settings: engine.policy.settings, recipients: engine.recipients, signal: engine.signal, now: clock.closure,
                logger: logger)
        }
        return AlertPendingService(store: engineStore ?? store, engine: deciding ?? engine, pollInterval: poll, now: clock.closure, logger: logger)
    }

    static func mails(_ store: any HubBackend, clock: TestClock) async -> [OutboxMessage] {
        let mailer = RecordingMailer()
        let outbox = OutboxService(store: store, mailer: mailer, settings: SMTPSettings(), signal: OutboxSignal(), now: clock.closure, logger: logger)
        await outbox.deliverDue()
        return mailer.sent
    }

    /// Runs `service` until `body` returns, then cancels it.
    static func running<T: Sendable>(_ service: AlertPendingService, _ body: () async throws -> T) async throws -> T {
        let task = Task { await service.run() }
        defer { task.cancel() }
        let result = try await body()
        task.cancel()
        await task.value
        return result
    }

    @Test(arguments: Backend.allCases)
    func aTripCommittedBeforeTheHubStoppedIsDecidedAndMailedOnceByTheRestartedHub(_ backend: Backend) async throws {
        let clock = TestClock()
        let db = try await TestDatabase.fresh(backend)
        let first = try await db.open()
        #expect(try await first.commit([PendingAlertContractTests.tripBatch(at: clock.now)]) == [.stored])
        try await first.close()  // stopped before any decision

        clock.advance(seconds: 60)
        let second = try await db.open()
        try await Self.running(Self.service(second, clock: clock)) {
            try await waitUntil("the restarted hub decides the pending trip") { try await PendingAlertContractTests.decisions(second) == 1 }
        }
        #expect(try await PendingAlertContractTests.pending(second) == 0)
        #expect(await Self.service(second, clock: clock).decidePending().isEmpty)
        let sent = await Self.mails(second, clock: clock)
        #expect(sent.map(\.subject) == ["[Hop] TRIP SUB001 FDR001"])
        #expect(try await PendingAlertContractTests.decisions(second) == 1)
        try await second.close()
    }

    @Test(arguments: Backend.allCases)
    func theWritersRingWakesARunningServiceLongBeforeItsPoll(_ backend: Backend) async throws {
        let clock = TestClock()
        let store = try await TestDatabase.store(backend)
        let service = Self.service(store, clock: clock, poll: .seconds(3600))
        try await Self.running(service) {
            for (n, feeder) in ["F1", "F2"].enumerated() {
                let batch = PendingAlertContractTests.tripBatch(feeder: feeder, at: clock.now)
                #expect(try await store.commit([batch]) == [.stored])
                service.committed([batch])
                try await waitUntil("the ringing commit of \(feeder) is decided", timeout: .seconds(20)) {
                    try await PendingAlertContractTests.decisions(store) == n + 1
                }
            }
        }
        #expect(try await PendingAlertContractTests.pending(store) == 0)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func aDeciderFailingAfterItsClaimLeavesTheTripToTheNextClaimerWhichDecidesItOnce(_ backend: Backend) async throws {
        let clock = TestClock()
        let db = try await TestDatabase.fresh(backend)
        let a = try await db.open()
        let b = try await db.open()
        #expect(try await a.commit([PendingAlertContractTests.tripBatch(at: clock.now)]) == [.stored])

        let dying = Self.service(a, clock: clock, engineStore: FailingDecisions(a))
        #expect(await dying.decidePending().isEmpty)  // claimed, then the decision failed
        #expect(try await PendingAlertContractTests.pending(a) == 1)
        #expect(try await PendingAlertContractTests.decisions(a) == 0)

        let other = Self.service(b, clock: clock)
        clock.advance(seconds: 29)
        #expect(await other.decidePending().isEmpty)  // the claim still lasts
        clock.advance(seconds: 1)
        #expect(await other.decidePending().map(\.outcome) == ["sent"])
        clock.advance(seconds: 60)
        #expect(await other.decidePending().isEmpty)
        #expect(await Self.service(a, clock: clock).decidePending().isEmpty)
        #expect(try await PendingAlertContractTests.decisions(a) == 1)
        #expect(await Self.mails(a, clock: clock).count == 1)
        try await a.close()
        try await b.close()
    }

    @Test(arguments: Backend.allCases)
    func anAnomalyOfAScoringPassWhoseDecisionFailedIsDecidedOnceByTheNextDecider(_ backend: Backend) async throws {
        let clock = TestClock()
        let db = try await TestDatabase.fresh(backend)
        let a = try await db.open()
        let b = try await db.open()
        let rows = (0..<20).map { i in ScoringStoreTests.reading("SUB001", ts: clock.now - 20_000 + Int64(i) * 1000, f: i == 19 ? 62 : 60) }
        _ = try await a.commit([IngestWrite(telemetry: rows, arrival: clock.now)])
        // The scorer's process dies between writing the pass and storing its decision.
        let dying = Self.service(a, clock: clock, engineStore: FailingDecisions(a))
        let scorer = ScoringService(store: a, settings: ScoringSettings(), holder: "A", alerts: dying, now: clock.closure, logger: Self.logger)
        #expect(try #require(await scorer.runOnce()).map(\.result.classification) == [.anomaly])
        #expect(try await PendingAlertContractTests.pendingScores(a) == 1)
        #expect(try await PendingAlertContractTests.decisions(a) == 0)

        clock.advance(seconds: 30)
        let other = Self.service(b, clock: clock)
        #expect(await other.decidePending().map(\.kind) == ["ANOMALY"])
        #expect(await other.decidePending().isEmpty)
        #expect(try await PendingAlertContractTests.decisions(a) == 1)
        #expect(await Self.mails(a, clock: clock).map(\.subject).first?.hasPrefix("[Hop] ANOMALY SUB001") == true)
        try await a.close()
        try await b.close()
    }

    @Test(arguments: Backend.allCases)
    func aScoringPassDecidesItsAnomalyAtOnceThroughThePendingRow(_ backend: Backend) async throws {
        let clock = TestClock()
        let store = try await TestDatabase.store(backend)
        let rows = (0..<20).map { i in ScoringStoreTests.reading("SUB001", ts: clock.now - 20_000 + Int64(i) * 1000, f: i == 19 ? 62 : 60) }
        _ = try await store.commit([IngestWrite(telemetry: rows, arrival: clock.now)])
        let scorer = ScoringService(
            store: store, settings: ScoringSettings(), holder: "A", alerts: Self.service(store, clock: clock), now: clock.closure,
            logger: Self.logger)
        _ = await scorer.runOnce()
        #expect(try await PendingAlertContractTests.decisions(store) == 1)
        #expect(try await PendingAlertContractTests.pendingScores(store) == 0)
        try await store.close()
    }
}

/// A store whose decisions fail (the process dies after claiming, before deciding); everything
/// else is the real store's.
struct FailingDecisions: AlertStore {
    struct Injected: Error {}
    let store: any AlertStore

    init(_ store: any AlertStore) { self.store = store }

    func decideAlert(_ candidate: AlertCandidate, policy: AlertPolicy, message: OutboxMessage, now: Int64) async throws -> AlertLogEntry {
        throw Injected()
    }
    func claimPendingAlerts(limit: Int, claimMs: Int64, now: Int64) async throws -> [PendingAlert] {
        try await store.claimPendingAlerts(limit: limit, claimMs: claimMs, now: now)
    }
    func alertLog(since: Int64, scope: SubstationScope, limit: Int) async throws -> [AlertLogEntry] {
        try await store.alertLog(since: since, scope: scope, limit: limit)
    }
    func claimOutbox(now: Int64, limit: Int, claimMs: Int64) async throws -> [OutboxItem] {
        try await store.claimOutbox(now: now, limit: limit, claimMs: claimMs)
    }
    func markDelivered(id: Int64, now: Int64) async throws { try await store.markDelivered(id: id, now: now) }
    func markFailed(id: Int64, error: String, retryAt: Int64) async throws { try await store.markFailed(id: id, error: error, retryAt: retryAt) }
    func nextOutboxAttempt() async throws -> Int64? { try await store.nextOutboxAttempt() }
    func siteName(of substation: SubstationID) async throws -> String? { try await store.siteName(of: substation) }
}
