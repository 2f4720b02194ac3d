import Foundation
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The outbox shared by processes, and the message as it goes on the wire.
@Suite struct OutboxTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func twoProcessesNeverClaimTheSameMessage(_ backend: StoreContractTests.Backend) async throws {
        let database = try await TestDatabase.fresh(backend)
        let a = try await database.open()
        let b = try await database.open()
        let clock = TestClock()
        var settings = AlertSettings()
        settings.tripCapPerHour = 100
        let engine = AlertFixtures.engine(a, clock: clock, settings: settings)
        for i in 0..<10 { await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F\(i)", ts: clock.now)]) }
        async let first = a.claimOutbox(now: clock.now, limit: 6, claimMs: 60_000)
        async let second = b.claimOutbox(now: clock.now, limit: 6, claimMs: 60_000)
        let (x, y) = try await (first, second)
        #expect(x.count + y.count == 10)
        #expect(Set(x.map(\.id)).isDisjoint(with: y.map(\.id)))
        // A claim that was never completed (process died) becomes due again after the claim time.
        #expect(try await a.claimOutbox(now: clock.now + 59_000, limit: 20, claimMs: 60_000).isEmpty)
        #expect(try await b.claimOutbox(now: clock.now + 60_000, limit: 20, claimMs: 60_000).count == 10)
    }

    @Test func mimeMessageEncodesTheSubjectAndUsesCRLF() {
        let message = OutboxMessage(
            recipients: ["a@example.com", "b@example.com"], subject: "[Hop] TRIP SUB001 FDR002 — Portland North",
            body: "Alert: FEEDER_TRIP\nFeeder: FDR002")
        let text = String(decoding: MIMEMessage.render(message, from: "hop@example.com", date: Date(timeIntervalSince1970: 0), messageID: "x@hop"), as: UTF8.self)
        let encoded = "=?UTF-8?B?\(Data("[Hop] TRIP SUB001 FDR002 — Portland North".utf8).base64EncodedString())?="
        #expect(text.contains("Subject: \(encoded)\r\n"))
        #expect(text.contains("To: a@example.com, b@example.com\r\n"))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.hasSuffix("\r\n\r\nAlert: FEEDER_TRIP\r\nFeeder: FDR002\r\n"))
        #expect(MIMEMessage.encodedHeader("[Hop] TRIP SUB001 FDR002") == "[Hop] TRIP SUB001 FDR002")
    }
}

/// Alert decisions and delivered mail expire with the events' retention; undelivered mail stays.
@Suite struct AlertRetentionTests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func retentionPrunesOldDecisionsAndDeliveredMailOnly(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        var settings = AlertSettings()
        settings.tripCapPerHour = 100
        let engine = AlertFixtures.engine(store, clock: clock, settings: settings)
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F1", ts: clock.now)])
        await engine.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "F2", ts: clock.now)])
        let claimed = try await store.claimOutbox(now: clock.now, limit: 1, claimMs: 1)
        try await store.markDelivered(id: try #require(claimed.first).id, now: clock.now)
        _ = try await store.applyRetention(rawBefore: 0, rollupBefore: 0, eventsBefore: clock.now + 1, scoresBefore: 0)
        #expect(try await store.alertLog(since: 0, scope: .all, limit: 10).isEmpty)
        #expect(try await store.claimOutbox(now: clock.now + 10, limit: 10, claimMs: 1).count == 1)
    }
}
