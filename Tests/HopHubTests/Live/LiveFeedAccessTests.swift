import Foundation
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Streams end when their caller loses its rights: session expiry, key revocation, `endStreams`.
extension LiveFeedTests {
    @Test func aSessionStreamEndsAtTheSessionsAbsoluteExpiry() async throws {
        let (feed, _) = try await Self.feed()
        let now = SourceTime.now().epochMilliseconds
        let expiring = try await feed.subscribe(scope: .all, user: "op@example.com", endsAt: now + 1000)
        let key = try await feed.subscribe(scope: .all, user: nil)
        #expect(await feed.endExpiredStreams(now: now) == 0)
        #expect(await feed.endExpiredStreams(now: now + 1000) == 1)
        #expect(await liveEnding(feed, expiring) == .sessionExpired)
        #expect(await feed.subscribers[key] != nil)
    }
}

extension LiveFeedTests {
    @Test func endStreamsForAKeyEndsOnlyThatKeysStreams() async throws {
        let (feed, _) = try await Self.feed()
        let revoked = try await feed.subscribe(scope: .all, user: nil, key: "edge-reader")
        let other = try await feed.subscribe(scope: .all, user: nil, key: "dashboard")
        let user = try await feed.subscribe(scope: .all, user: "edge-reader")
        #expect(await feed.endStreams(forKey: "edge-reader") == 1)
        #expect(await liveEnding(feed, revoked) == .keyRevoked)
        #expect(await feed.subscribers[other] != nil)
        #expect(await feed.subscribers[user] != nil)
    }

    @Test func streamsOfRevokedKeysAreEnded() async throws {
        let (feed, t) = try await Self.feed()
        let admin = APIKeyAdmin(store: t.hub.sqlite)
        let sub1Key = try await admin.created(name: "live-sub1", scopes: [.read], substations: .only(["SUB001"]), by: .cli).record
        let allKey = try await admin.created(name: "live-all", scopes: [.read], substations: .all, by: .cli).record
        let sub1 = try await feed.subscribe(scope: .only(["SUB001"]), user: nil, key: "sub1", keyID: sub1Key.id)
        let all = try await feed.subscribe(scope: .all, user: nil, key: "all", keyID: allKey.id)
        await feed.endStreamsOfRevokedKeys()
        #expect(await feed.streamCount == 2)
        #expect(try await admin.revoke(name: "live-sub1"))
        await feed.endStreamsOfRevokedKeys()
        #expect(await liveEnding(feed, sub1) == .keyRevoked)
        #expect(await feed.subscribers[all] != nil)
    }
}

extension LiveFeedTests {
    @Test func streamsWhoseReaderStoppedAreEndedWaitingReadersAreNot() async throws {
        let (feed, _) = try await Self.feed()
        let stalled = try await feed.subscribe(scope: .all, user: nil)
        let waiting = try await feed.subscribe(scope: .all, user: nil)
        let reader = Task { await feed.next(waiting) }
        try await liveWaitUntil { await feed.subscribers[waiting]?.waiter != nil }
        let later = ContinuousClock.now + .seconds(120)
        #expect(await feed.endAbandonedStreams(after: .seconds(60), now: .now) == 0)
        #expect(await feed.endAbandonedStreams(after: .seconds(60), now: later) == 1)
        #expect(await liveEnding(feed, stalled) == .stalled)
        #expect(await feed.subscribers[waiting] != nil)
        await feed.cancel(waiting)
        #expect(await reader.value == nil)
    }
}
