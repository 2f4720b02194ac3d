import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// A stream ends with the rights it was opened with: its session (logged out, deleted, idle-expired),
/// its key id (rotated, revoked); and one caller cannot hold more than `maxStreamsPerCaller`.
@Suite struct LiveStreamRightsTests {
    /// A feed over a hub with the fixture users, an idle timeout of `idle` seconds.
    static func feed(idle: Int = 1800, _ change: (inout LiveSettings) -> Void = { _ in }) async throws -> (LiveFeed, TestHub) {
        let t = try await AccountFixtures.hub()
        var settings = LiveSettings()
        change(&settings)
        let feed = LiveFeed(
            settings: settings, lookups: t.hub.sqlite, metrics: t.hub.metrics, sessionIdleTimeoutSeconds: idle,
            logger: Logger(label: "test"))
        return (feed, t)
    }

    @Test func aStreamEndsWhenItsSessionIsIdleExpiredOrDeletedNotBefore() async throws {
        let (feed, t) = try await Self.feed(idle: 600)
        let clock = AccountTestClock(SourceTime.now().epochMilliseconds)
        let accounts = AccountFixtures.service(t, clock: clock) { $0.idleTimeoutSeconds = 600 }
        let idle = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil).session
        let loggedOut = try await accounts.login(email: "op@example.com", password: AccountFixtures.password, from: nil)
        let idleStream = try await feed.subscribe(scope: .all, user: "op@example.com", session: idle.session.idHash)
        let outStream = try await feed.subscribe(scope: .all, user: "op@example.com", session: loggedOut.session.session.idHash)
        let keyStream = try await feed.subscribe(scope: .all, user: nil, key: "k")
        let now = idle.session.lastSeen
        #expect(await feed.endStreamsOfEndedSessions(now: now + 599_000) == 0)

        // Logged out (or its row deleted by an admin): ended at the next heartbeat.
        try await accounts.logout(sessionID: loggedOut.sessionID, from: nil)
        #expect(await feed.endStreamsOfEndedSessions(now: now + 1000) == 1)
        #expect(await liveEnding(feed, outStream) == .sessionEnded)

        // Idle: the session row still exists (nobody presented the cookie), yet it is over.
        #expect(try await t.hub.sqlite.session(idHash: idle.session.idHash) != nil)
        #expect(await feed.endStreamsOfEndedSessions(now: now + 600_000) == 1)
        #expect(await liveEnding(feed, idleStream) == .sessionEnded)
        #expect(await feed.subscribers[keyStream] != nil, "a key's stream has no session to lose")
    }

    @Test func rotatingAKeyEndsTheOldSecretsStreamsRevokingEndsAll() async throws {
        let (feed, t) = try await Self.feed()
        let admin = APIKeyAdmin(store: t.hub.sqlite)
        let rotated = try await admin.created(name: "wall", scopes: [.read], substations: .all, by: .cli).record
        let revoked = try await admin.created(name: "gone", scopes: [.read], substations: .all, by: .cli).record
        let kept = try await admin.created(name: "kept", scopes: [.read], substations: .all, by: .cli).record
        let old = try await feed.subscribe(scope: .all, user: nil, key: "wall", keyID: rotated.id)
        let gone = try await feed.subscribe(scope: .all, user: nil, key: "gone", keyID: revoked.id)
        let stays = try await feed.subscribe(scope: .all, user: nil, key: "kept", keyID: kept.id)
        #expect(await feed.endStreamsOfRevokedKeys() == 0)

        let new = try await admin.rotate(name: "wall").record
        #expect(new.name == "wall" && new.id != rotated.id)
        let fresh = try await feed.subscribe(scope: .all, user: nil, key: "wall", keyID: new.id)
        #expect(try await admin.revoke(name: "gone"))
        #expect(await feed.endStreamsOfRevokedKeys() == 2)
        #expect(await liveEnding(feed, old) == .keyRevoked)
        #expect(await liveEnding(feed, gone) == .keyRevoked)
        #expect(await feed.subscribers[stays] != nil)
        #expect(await feed.subscribers[fresh] != nil, "the new secret's stream is not the old one")
    }

    @Test func oneCallerCannotTakeEveryStream() async throws {
        let (feed, _) = try await Self.feed { $0.maxStreamsPerCaller = 2 }
        _ = try await feed.subscribe(scope: .all, user: "op@example.com")
        let second = try await feed.subscribe(scope: .all, user: "op@example.com")
        await #expect(throws: LiveFeedError.tooManyStreamsForCaller(2)) {
            try await feed.subscribe(scope: .all, user: "OP@example.com")
        }
        _ = try await feed.subscribe(scope: .all, user: nil, key: "op@example.com")
        _ = try await feed.subscribe(scope: .all, user: "exec@example.com")
        await feed.cancel(second)
        _ = try await feed.subscribe(scope: .all, user: "op@example.com")
        #expect(await feed.streamCount == 4)
    }

    /// Reloading a page at the limit replaces the same session's oldest stream (the browser closed
    /// it; the hub would notice only at its next write); other sessions' streams are never taken,
    /// and a reconnect (not a page load) never replaces, so many tabs do not evict each other in turn.
    @Test func aReloadAtTheLimitReplacesItsOwnSessionsOldestStream() async throws {
        let (feed, _) = try await Self.feed { $0.maxStreamsPerCaller = 2 }
        let first = try await feed.subscribe(scope: .all, user: "op@example.com", session: "browser-a", pageLoad: true)
        let other = try await feed.subscribe(scope: .all, user: "op@example.com", session: "browser-b", pageLoad: true)
        await #expect(throws: LiveFeedError.tooManyStreamsForCaller(2), "a third browser gets no slot") {
            try await feed.subscribe(scope: .all, user: "op@example.com", session: "browser-c", pageLoad: true)
        }
        await #expect(throws: LiveFeedError.tooManyStreamsForCaller(2), "a reconnect of the same browser replaces nothing") {
            try await feed.subscribe(scope: .all, user: "op@example.com", session: "browser-a", lastEventID: "x-1", pageLoad: true)
        }
        await #expect(throws: LiveFeedError.tooManyStreamsForCaller(2), "a stream opened again by the page replaces nothing") {
            try await feed.subscribe(scope: .all, user: "op@example.com", session: "browser-a")
        }
        #expect(await feed.subscribers[first] != nil)
        let reloaded = try await feed.subscribe(scope: .all, user: "op@example.com", session: "browser-a", pageLoad: true)
        #expect(await liveEnding(feed, first) == .replaced, "the reloaded page's old stream ended, told why")
        #expect(await feed.subscribers[other] != nil)
        #expect(await feed.subscribers[reloaded] != nil)
        #expect(await feed.streamCount == 2)
        let again = try await feed.subscribe(scope: .all, user: "op@example.com", session: "browser-a", pageLoad: true)
        #expect(await feed.subscribers[reloaded] == nil)
        #expect(await feed.subscribers[again] != nil)
    }
}
