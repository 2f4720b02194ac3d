import Foundation
import HopProtocol
import HopTestSupport
import Logging
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// `live.max_streams_per_caller` counts a caller's streams on every replica sharing the PostgreSQL
/// database: a stream refused on one replica because of streams on the other, admitted again once
/// one of those ends, a page reload replacing its own session's stream at the limit, and the streams
/// of a replica that stopped refreshing (killed) no longer counted.
@Suite(.serialized) struct StreamLimitAcrossReplicasTests {
    static let logger = Logger(label: "test")

    static func feeds() async throws -> (LiveFeed, LiveFeed, PostgresStore) {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        var live = LiveSettings()
        live.maxStreamsPerCaller = 2
        let a = try await PostgresStore.open(settings: settings, logger: logger)
        let b = try await PostgresStore.open(settings: settings, logger: logger)
        return (
            LiveFeed(settings: live, lookups: a, registry: a, logger: logger), LiveFeed(settings: live, lookups: b, registry: b, logger: logger), a
        )
    }

    @Test func aCallersStreamsOnBothReplicasCountTogether() async throws {
        let (a, b, store) = try await Self.feeds()
        _ = try await a.subscribe(scope: .all, user: "op@example.com", session: "s1")
        let onB = try await b.subscribe(scope: .all, user: "op@example.com", session: "s2")
        await #expect(throws: LiveFeedError.tooManyStreamsForCaller(2)) {
            try await a.subscribe(scope: .all, user: "op@example.com", session: "s3")
        }
        // Another caller is not affected.
        _ = try await a.subscribe(scope: .all, user: nil, key: "dashboard")
        // The stream on B ends; once B has told the registry, A admits a new one.
        await b.cancel(onB)
        await b.syncRegistry(now: SourceTime.now().epochMilliseconds, refresh: false)
        _ = try await a.subscribe(scope: .all, user: "op@example.com", session: "s3")
        try await store.close()
    }

    @Test func aReloadedPageReplacesItsSessionsStreamAtTheLimitOverBothReplicas() async throws {
        let (a, b, store) = try await Self.feeds()
        let old = try await a.subscribe(scope: .all, user: "op@example.com", session: "s1")
        _ = try await b.subscribe(scope: .all, user: "op@example.com", session: "s2")
        let new = try await a.subscribe(scope: .all, user: "op@example.com", session: "s1", pageLoad: true)
        #expect(new != old)
        #expect(await a.subscribers[old] == nil)
        if case .closed(let reason)? = await a.next(old)?.first {
            #expect(reason == .replaced)
        } else {
            Issue.record("the replaced stream was not told why it ended")
        }
        // A reconnect (not a page load) is still refused.
        await #expect(throws: LiveFeedError.tooManyStreamsForCaller(2)) {
            try await a.subscribe(scope: .all, user: "op@example.com", session: "s1", lastEventID: "x-1")
        }
        try await store.close()
    }

    @Test func streamsOfAReplicaThatStoppedRefreshingStopCounting() async throws {
        let (a, b, store) = try await Self.feeds()
        _ = try await b.subscribe(scope: .all, user: "op@example.com", session: "s1")
        _ = try await b.subscribe(scope: .all, user: "op@example.com", session: "s2")
        await #expect(throws: LiveFeedError.tooManyStreamsForCaller(2)) {
            try await a.subscribe(scope: .all, user: "op@example.com", session: "s3")
        }
        // B is killed: it never refreshes again. A's refresh, a minute later, forgets B's rows.
        let later = SourceTime.now().epochMilliseconds + (await a.registryStaleMs) + 1000
        await a.syncRegistry(now: later, refresh: true)
        _ = try await a.subscribe(scope: .all, user: "op@example.com", session: "s3")
        try await store.close()
    }
}
