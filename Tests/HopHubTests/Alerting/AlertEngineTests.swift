import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Rules against a real store (SQLite and PostgreSQL): cooldowns, caps, restore-after-trip, restarts, the outbox.
@Suite struct AlertEngineTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func tripCooldownAndGlobalCap(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = AlertFixtures.engine(store, clock: clock)
        func trip(_ feeder: String) async -> AlertLogEntry? {
            await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: feeder, ts: clock.now)]).first
        }
        #expect(await trip("FDR001")?.outcome == "sent")
        #expect(await trip("FDR001")?.reason == "cooldown")
        #expect(await trip("FDR002")?.outcome == "sent")
        #expect(await trip("FDR003")?.outcome == "sent")
        #expect(await trip("FDR004")?.reason == "global_cap")
        clock.advance(seconds: 3600)
        #expect(await trip("FDR004")?.outcome == "sent")
        #expect(await trip("FDR001")?.outcome == "sent")  // 30 min cooldown long over
        let log = try await store.alertLog(since: 0, scope: .all, limit: 100)
        #expect(log.count == 7 && log.filter { $0.outcome == "sent" }.count == 5)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func restoreOnlyAfterASentTripAlert(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = AlertFixtures.engine(store, clock: clock)
        let restore = AlertFixtures.event("FEEDER_RESTORE", feeder: "FDR002", severity: "INFO", ts: clock.now)
        #expect(await engine.eventsStored([restore]).first?.reason == "no_trip_alert")
        #expect(await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR002", ts: clock.now)]).first?.outcome == "sent")
        #expect(await engine.eventsStored([restore]).first?.outcome == "sent")
        #expect(await engine.eventsStored([restore]).first?.reason == "no_trip_alert")  // the restore closed the trip
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func suppressedTripDoesNotArmRestore(_ backend: StoreContractTests.Backend) async throws {
        var settings = AlertSettings()
        settings.tripCapPerHour = 0
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = AlertFixtures.engine(store, clock: clock, settings: settings)
        #expect(await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F1", ts: 1)]).first?.reason == "global_cap")
        #expect(await engine.eventsStored([AlertFixtures.event("FEEDER_RESTORE", feeder: "F1", ts: 2)]).first?.reason == "no_trip_alert")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func anomalyCooldownAndCap(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = AlertFixtures.engine(store, clock: clock)
        let result = try #require(ZScoreModel(settings: ScoringSettings()).score(Array(repeating: 60.0, count: 19) + [62.0]))
        func score(_ sub: String) async -> AlertLogEntry? {
            await engine.scored([StoredScore(ts: clock.now, substationID: SubstationID(sub), result: result)]).first
        }
        #expect(await score("SUB001")?.outcome == "sent")
        #expect(await score("SUB001")?.reason == "cooldown")
        #expect(await score("SUB002")?.outcome == "sent")
        #expect(await score("SUB003")?.reason == "global_cap")
        let normal = try #require(ZScoreModel(settings: ScoringSettings()).score(Array(repeating: 60.0, count: 20)))
        #expect(await engine.scored([StoredScore(ts: clock.now, substationID: "SUB004", result: normal)]).isEmpty)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func stateSurvivesARestart(_ backend: StoreContractTests.Backend) async throws {
        let database = try await TestDatabase.fresh(backend)
        let clock = TestClock()
        do {
            let engine = AlertFixtures.engine(try await database.open(), clock: clock)
            #expect(await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR002", ts: clock.now)]).first?.outcome == "sent")
        }
        clock.advance(seconds: 60)
        let reopened = AlertFixtures.engine(try await database.open(), clock: clock)
        #expect(await reopened.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR002", ts: clock.now)]).first?.reason == "cooldown")
        #expect(
            await reopened.eventsStored([AlertFixtures.event("FEEDER_RESTORE", feeder: "FDR002", severity: "INFO", ts: clock.now)]).first?
                .outcome == "sent")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func noRecipientsIsLoggedAndDoesNotCount(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = AlertEngine(
            store: store, settings: AlertSettings(), recipients: ConfiguredRecipients(addresses: []), signal: OutboxSignal(),
            now: clock.closure, logger: Logger(label: "test"))
        #expect(await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F1", ts: 1)]).first?.reason == "no_recipients")
        #expect(await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F1", ts: 1)]).first?.reason == "no_recipients")
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func relayDownThenUpDeliversOnceWithoutRecountingTheCap(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let signal = OutboxSignal()
        let engine = AlertFixtures.engine(store, clock: clock, signal: signal)
        let mailer = RecordingMailer()
        var smtp = SMTPSettings()
        smtp.retryInitialSeconds = 2
        let outbox = OutboxService(store: store, mailer: mailer, settings: smtp, signal: signal, now: clock.closure, logger: Logger(label: "test"))
        mailer.setDown(true)
        #expect(await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR002", ts: clock.now)]).first?.outcome == "sent")
        #expect(await outbox.deliverDue() == 0)
        #expect(mailer.attempts == 1)
        #expect(await outbox.deliverDue() == 0 && mailer.attempts == 1)  // not due before the backoff
        mailer.setDown(false)
        clock.advance(seconds: 2)
        #expect(await outbox.deliverDue() == 1)
        clock.advance(seconds: 600)
        #expect(await outbox.deliverDue() == 0)
        #expect(mailer.sent.count == 1 && mailer.sent[0].subject == "[Hop] TRIP SUB001 FDR002")
        #expect(mailer.sent[0].recipients == ["ops@example.com"])
        let sent = try await store.alertLog(since: 0, scope: .all, limit: 10).filter { $0.outcome == "sent" }
        #expect(sent.count == 1)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func alertLogIsFilteredByScope(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let engine = AlertFixtures.engine(store, clock: clock)
        await engine.eventsStored([
            AlertFixtures.event("FEEDER_TRIP", sub: "SUB001", feeder: "F1", ts: 1),
            AlertFixtures.event("FEEDER_TRIP", sub: "SUB002", feeder: "F1", ts: 1),
        ])
        #expect(try await store.alertLog(since: 0, scope: .only(["SUB001"]), limit: 10).map(\.substationID) == ["SUB001"])
        #expect(try await store.alertLog(since: 0, scope: .only([]), limit: 10).isEmpty)
        #expect(try await store.alertLog(since: 0, scope: .all, limit: 10).count == 2)
    }
}
