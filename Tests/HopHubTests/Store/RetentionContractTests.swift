import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHub
#if canImport(HopHubCore)
@testable import HopHubCore
#endif
#if canImport(HopHubSQLite)
@testable import HopHubSQLite
#endif

/// What a retention pass deletes and what it keeps, through the store protocols wherever a
/// protocol can see the data (resolved outages and delivered mail are only visible as rows).
/// Data is placed at least a minute either side of each cutoff, or exactly on it (kept: retention
/// deletes what is older than the cutoff).
@Suite struct RetentionContractTests {
    typealias Backend = StoreContractTests.Backend
    typealias Sample = StoreTestData.Sample
    static let minute = StoreTestData.minute
    static let day = StoreTestData.day

    struct Cutoffs {
        var raw, rollup, events, scores: Int64
    }

    /// Four different cutoffs, so a table pruned at another table's cutoff shows: raw 2 days,
    /// rollups 9, events 5, scores 3.
    static func cutoffs(_ now: Int64) -> Cutoffs {
        Cutoffs(raw: now - 2 * day, rollup: now - 9 * day, events: now - 5 * day, scores: now - 3 * day)
    }

    /// One of everything retention looks at, old (before its cutoff), on the cutoff, and fresh.
    static func populate(_ store: any HubStore, _ cut: Cutoffs, now: Int64) async throws {
        // Raw readings of two substations (retention deletes per substation): older than the raw
        // cutoff, exactly on it, and fresh. Their rollup minutes lie between the two cutoffs or after.
        for sub in ["SUB001", "SUB002"] {
            let samples = [
                Sample(ts: cut.raw - 10 * minute, v: 230, f: 60),
                Sample(ts: cut.raw - minute, v: 231, f: 60),
                Sample(ts: cut.raw, v: 232, f: 60),
                Sample(ts: now - minute, v: 233, f: 60),
            ]
            #expect(try await store.commit([IngestWrite(telemetry: samples.map { $0.stored(sub) }, arrival: now)]) == [.stored])
        }
        // Readings old enough that their rollup minutes are past the rollup cutoff, and one minute on it.
        let ancient = [Sample(ts: cut.rollup - 2 * minute + 5_000, v: 220, f: 59.9), Sample(ts: cut.rollup + 5_000, v: 221, f: 59.95)]
        #expect(try await store.commit([IngestWrite(telemetry: ancient.map { $0.stored("SUB001") }, arrival: now)]) == [.stored])

        // Events: old, on the cutoff, fresh.
        let events = [cut.events - minute, cut.events, now - minute].map { ts in
            StoredEvent(ts: ts, substationID: "SUB001", event: GridEvent(substationID: "SUB001", severity: "INFO", eventType: "BREAKER", message: "at \(ts)"))
        }
        #expect(try await store.commit([IngestWrite(events: events, arrival: now)]) == [.stored])

        // Outages: resolved long ago (deleted), resolved on the cutoff and recently (kept), and one
        // still active although its last update is as old as the deleted one (kept: it is current).
        func outage(_ id: String, _ status: String, ts: Int64) -> StoredOutage {
            StoredOutage(ts: ts, substationID: "SUB001", outage: Outage(outageID: OutageID(id), substationID: "SUB001", status: status))
        }
        let outages = [
            outage("O-old-resolved", "RESOLVED", ts: cut.events - minute), outage("O-cutoff-resolved", "RESOLVED", ts: cut.events),
            outage("O-fresh-resolved", "RESOLVED", ts: now - minute), outage("O-old-active", "ACTIVE", ts: cut.events - minute),
        ]
        #expect(try await store.commit([IngestWrite(outages: outages, arrival: now)]) == [.stored])

        // Scores: old, on the cutoff, fresh.
        let result = ZScoreModel.Result(
            anomalyScore: 0.1, isAnomaly: false, zScore: 0.5, baselineMean: 60, baselineStd: 0.01, latestValue: 60, classification: .normal)
        try await store.writeScores([cut.scores - minute, cut.scores, now - minute].map { StoredScore(ts: $0, substationID: "SUB001", result: result) })

        // Alert decisions with their mail: old and delivered (both deleted), old and undelivered (the
        // decision goes, the mail stays), fresh and delivered (kept).
        let policy = AlertPolicy(settings: AlertSettings())
        func decide(_ feeder: String, at time: Int64, deliver: Bool) async throws {
            let candidate = AlertCandidate(kind: .trip, substationID: "SUB001", feederID: feeder, sourceTs: time)
            let entry = try await store.decideAlert(
                candidate, policy: policy, message: OutboxMessage(recipients: ["ops@example.com"], subject: "trip \(feeder)", body: "b"), now: time)
            #expect(entry.outcome == "sent")
            let claimed = try await store.claimOutbox(now: time, limit: 10, claimMs: 1_000)
            #expect(claimed.map(\.message.subject) == ["trip \(feeder)"])
            if deliver {
                try await store.markDelivered(id: try #require(claimed.first).id, now: time)
            } else {
                try await store.markFailed(id: try #require(claimed.first).id, error: "smtp down", retryAt: now + minute)
            }
        }
        try await decide("FDR-old-delivered", at: cut.events - 2 * minute, deliver: true)
        try await decide("FDR-old-undelivered", at: cut.events - minute, deliver: false)
        try await decide("FDR-fresh-delivered", at: now - minute, deliver: true)
    }

    /// Checks the state after a retention pass at `cut` over `populate`'s data.
    static func verifyPruned(_ store: any HubStore, _ cut: Cutoffs, now: Int64) async throws {
        // Raw readings: on or after the cutoff remain, for both substations.
        for sub in ["SUB001", "SUB002"] {
            let raw = try await store.timeSeries(
                substation: SubstationID(sub), window: SeriesWindow(from: cut.rollup - day, to: now, maxPoints: 100_000))
            #expect(raw.resolutionSeconds == 0)
            #expect(raw.points.map(\.time.epochMilliseconds) == [cut.raw, now - minute], "\(sub)")
        }
        // Rollups: the minutes older than the rollup cutoff are gone; later ones still answer long
        // ranges, including the minutes whose raw readings were deleted.
        let longRange = try await store.timeSeries(
            substation: "SUB001", window: SeriesWindow(from: cut.rollup - day, to: now, maxPoints: 100, rawFrom: cut.raw))
        #expect(longRange.resolutionSeconds > 0)
        let bucket = Int64(longRange.resolutionSeconds) * 1000
        let expectedBuckets = Set([cut.rollup + 5_000, cut.raw - 10 * minute, cut.raw - minute, cut.raw, now - minute].map { $0 / bucket * bucket })
        #expect(Set(longRange.points.map(\.time.epochMilliseconds)) == expectedBuckets)
        #expect(longRange.points.allSatisfy { ($0.min?.voltageKV ?? 0) >= 221 }, "the 220 kV reading's rollup outlived its retention")

        let events = try await store.events(since: 0, scope: .all, limit: 100)
        #expect(events.map(\.time.epochMilliseconds).sorted() == [cut.events, now - minute])

        #expect(try await store.activeOutages(scope: .all).map(\.outage.outageID) == ["O-old-active"])
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM outages WHERE active = false") == 2)
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM outages WHERE outage_id = 'O-old-resolved'") == 0)

        // Buckets of well under a second: every score is its own point, nothing is thinned away.
        let scores = try await store.scoreTrend(since: cut.scores - day, until: now, scope: .all, limit: 100, maxPointsPerSubstation: 1_000_000)
        #expect(scores.map(\.time.epochMilliseconds) == [cut.scores, now - minute])

        let log = try await store.alertLog(since: 0, scope: .all, limit: 100)
        #expect(log.map(\.feederID) == ["FDR-fresh-delivered"])
        // The undelivered mail survives its decision and is still due; the old delivered one is gone.
        #expect(try await store.nextOutboxAttempt() == now + minute)
        // (claimMs 0: the claim does not move the message's due time for a second check.)
        #expect(try await store.claimOutbox(now: now + minute, limit: 10, claimMs: 0).map(\.message.subject) == ["trip FDR-old-undelivered"])
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM alert_outbox WHERE delivered_at IS NOT NULL") == 1)
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM alert_outbox") == 2)
    }

    @Test(arguments: Backend.allCases)
    func retentionPrunesEveryKindOfDataAtItsOwnCutoffOnly(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let now = StoreTestData.now
        let cut = Self.cutoffs(now)
        try await Self.populate(store, cut, now: now)
        let report = try await store.applyRetention(rawBefore: cut.raw, rollupBefore: cut.rollup, eventsBefore: cut.events, scoresBefore: cut.scores)
        // 2 substations x 2 old readings + the 2 ancient ones; the rollup minute 2 min before its
        // cutoff; 1 event; 1 score.
        #expect(report.telemetry == 6)
        #expect(report.rollups == 1)
        #expect(report.events == 1)
        #expect(report.scores == 1)
        try await Self.verifyPruned(store, cut, now: now)

        // A second pass at the same cutoffs finds nothing more.
        #expect(try await store.applyRetention(rawBefore: cut.raw, rollupBefore: cut.rollup, eventsBefore: cut.events, scoresBefore: cut.scores) == RetentionReport())
        try await Self.verifyPruned(store, cut, now: now)
    }

    /// A hub without alerting decides nothing: its pending rows must not outlive what they point at.
    @Test(arguments: Backend.allCases)
    func undecidedAlertsGoWithTheirEventsAndScores(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let now = StoreTestData.now
        let cut = Self.cutoffs(now)
        let trips = [cut.events - Self.minute, now - Self.minute].map { ts in
            StoredEvent(
                ts: ts, substationID: "SUB001",
                event: GridEvent(substationID: "SUB001", feederID: "FDR001", severity: "ALARM", eventType: "FEEDER_TRIP", message: "at \(ts)"))
        }
        #expect(try await store.commit([IngestWrite(events: trips, arrival: now)]) == [.stored])
        let anomaly = ZScoreModel.Result(
            anomalyScore: 0.9, isAnomaly: true, zScore: 4, baselineMean: 60, baselineStd: 0.01, latestValue: 60.2, classification: .anomaly)
        try await store.writeScores([cut.scores - Self.minute, now - Self.minute].map { StoredScore(ts: $0, substationID: "SUB001", result: anomaly) })
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM alert_pending") == 2)
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM alert_pending_scores") == 2)

        _ = try await store.applyRetention(rawBefore: cut.raw, rollupBefore: cut.rollup, eventsBefore: cut.events, scoresBefore: cut.scores)
        #expect(try await StoreTestData.count(
            store, "SELECT count(*) FROM alert_pending p JOIN events e ON e.id = p.event_id WHERE e.ts = \(now - Self.minute)") == 1)
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM alert_pending") == 1)
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM alert_pending_scores WHERE ts = \(now - Self.minute)") == 1)
        #expect(try await StoreTestData.count(store, "SELECT count(*) FROM alert_pending_scores") == 1)
    }

    @Test(arguments: Backend.allCases)
    func retentionServiceDeletesByTheConfiguredDaysAtTheGivenTime(_ backend: Backend) async throws {
        let store = try await StoreContractTests.makeStore(backend)
        let now = StoreTestData.now
        var configuration = HubConfiguration(dataDirectory: "/nonexistent")
        configuration.rawRetentionDays = 2
        configuration.rollupRetentionDays = 9
        configuration.eventRetentionDays = 5
        configuration.scoreRetentionDays = 3
        let cut = Self.cutoffs(now)
        try await Self.populate(store, cut, now: now)
        await RetentionService(store: store, configuration: configuration, logger: Logger(label: "test")).runOnce(now: now)
        try await Self.verifyPruned(store, cut, now: now)
    }
}

/// The service's schedule: cutoffs are `now` minus each `retention.*_days`, at the time it is given.
@Suite struct RetentionScheduleTests {
    actor RecordingStore: MaintenanceStore {
        var calls: [[Int64]] = []
        func applyRetention(rawBefore: Int64, rollupBefore: Int64, eventsBefore: Int64, scoresBefore: Int64) async throws -> RetentionReport {
            calls.append([rawBefore, rollupBefore, eventsBefore, scoresBefore])
            return RetentionReport()
        }
        func databaseSizeBytes() async throws -> Int64 { 0 }
        func ping() async throws {}
        func close() async throws {}
    }

    @Test func cutoffsAreTheConfiguredDaysBeforeThePassTime() async throws {
        let store = RecordingStore()
        var configuration = HubConfiguration(dataDirectory: "/nonexistent")
        configuration.rawRetentionDays = 30
        configuration.rollupRetentionDays = 400
        configuration.eventRetentionDays = 7
        configuration.scoreRetentionDays = 90
        let service = RetentionService(store: store, configuration: configuration, logger: Logger(label: "test"))
        let now: Int64 = 1_759_996_800_123
        await service.runOnce(now: now)
        await service.runOnce(now: now + 3_600_000)
        let day: Int64 = 86_400_000
        #expect(await store.calls == [
            [now - 30 * day, now - 400 * day, now - 7 * day, now - 90 * day],
            [now + 3_600_000 - 30 * day, now + 3_600_000 - 400 * day, now + 3_600_000 - 7 * day, now + 3_600_000 - 90 * day],
        ])
    }

    @Test func theDefaultsKeepRawThirtyDaysRollupsAndEventsFourHundredScoresNinety() async throws {
        let store = RecordingStore()
        let service = RetentionService(store: store, configuration: HubConfiguration(dataDirectory: "/nonexistent"), logger: Logger(label: "test"))
        let now: Int64 = 1_759_996_800_000
        await service.runOnce(now: now)
        let day: Int64 = 86_400_000
        #expect(await store.calls == [[now - 30 * day, now - 400 * day, now - 400 * day, now - 90 * day]])
    }
}
