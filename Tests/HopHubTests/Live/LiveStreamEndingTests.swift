import Foundation
import HopProtocol
import Logging
import NIOCore
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// How stream `id` ended: the reason of its last frame (`event: closed`), nil when it is still open,
/// ended without a reason, or anything follows the reason.
func liveEnding(_ feed: LiveFeed, _ id: UUID) async -> LiveEndReason? {
    guard await feed.subscribers[id] == nil else { return nil }
    guard let frames = await feed.next(id), frames.count == 1, case .closed(let reason) = frames[0] else { return nil }
    return await feed.next(id) == nil ? reason : nil
}

/// The hub never ends a stream without telling it why, and a user change noticed after the fact
/// (made by the CLI, seen by `AccessChangeWatcher`) ends only the streams opened before it.
@Suite struct LiveStreamEndingTests {
    /// Logs `email` in at the hub and opens a stream the way `StreamController` does: with the
    /// session's id hash and the `updated_at` of the user row the request was authorised with.
    static func openStream(_ t: TestHub, _ email: String) async throws -> UUID {
        let login = try await t.hub.accounts.login(email: email, password: AccountFixtures.password, from: nil)
        let session = try #require(try await t.hub.accounts.authenticate(sessionID: login.sessionID))
        return try await t.hub.live.subscribe(
            scope: session.user.substations, user: session.user.email, session: session.session.idHash,
            rightsVersion: session.user.updatedAt, endsAt: session.session.expiresAt, pageLoad: true)
    }

    /// The flaky-CI mechanism: `hop-hub users create` (another process), then a login and a stream
    /// within the watcher's interval. The watcher then reported the new user as changed and the
    /// hub ended the stream it had just opened, without a word: a stream's body ended at once.
    @Test func aUserChangeMadeByTheCLIEndsOnlyTheStreamsOpenedBeforeIt() async throws {
        let t = try await AccountFixtures.hub()
        let watcher = try #require(t.hub.accountServices(logger: Logger(label: "test")).compactMap { $0 as? AccessChangeWatcher }.first)
        let mark = await watcher.check(after: 0)  // the fixture's users, before any stream
        // The CLI writes the database with its own account service (nothing of this hub's is told);
        // its clock is ahead so its changes are later than anything the hub stored.
        let cliClock = AccountTestClock(SourceTime.now().epochMilliseconds + 60_000)
        let cli = AccountFixtures.service(t, clock: cliClock)

        let stale = try await Self.openStream(t, "op@example.com")
        try await cli.grant(email: "op@example.com", substations: .only(["SUB001", "SUB002"]), by: .cli)
        try await cli.create(
            NewUser(email: "new@example.com", name: "New", role: .operator, substations: .only(["SUB001"]), password: AccountFixtures.password),
            by: .cli)
        let current = try await Self.openStream(t, "op@example.com")
        let newUsers = try await Self.openStream(t, "new@example.com")

        #expect(await watcher.check(after: mark) == cliClock.clock.now())
        #expect(await liveEnding(t.hub.live, stale) == .accessChanged, "opened with the grants before the change")
        #expect(await t.hub.live.subscribers[current] != nil, "opened with the new grants: nothing to end")
        #expect(await t.hub.live.subscribers[newUsers] != nil, "a user's creation cannot predate their own stream")
    }

    @Test func aChangeReportedWithItsTimeSparesStreamsThatAlreadyHaveIt() async throws {
        let (feed, _) = try await LiveFeedTests.feed()
        let older = try await feed.subscribe(scope: .all, user: "op@example.com", rightsVersion: 100)
        let newer = try await feed.subscribe(scope: .all, user: "OP@example.com", rightsVersion: 200)
        let unknown = try await feed.subscribe(scope: .all, user: "op@example.com")
        let other = try await feed.subscribe(scope: .all, user: "exec@example.com", rightsVersion: 1)
        #expect(await feed.endStreams(forUser: "op@example.com", changedAt: 200) == 2)
        #expect(await liveEnding(feed, older) == .accessChanged)
        #expect(await liveEnding(feed, unknown) == .accessChanged, "a stream without a version cannot be vouched for")
        #expect(await feed.subscribers[newer] != nil)
        #expect(await feed.subscribers[other] != nil)
        // The hub's own changes end them all at once.
        #expect(await feed.endStreams(forUser: "op@example.com") == 1)
        #expect(await liveEnding(feed, newer) == .accessChanged)
    }

    /// A reader that is waiting gets the reason at once; one that is busy writing takes it with its
    /// next call; the client's own cancel and untaken endings leave nothing behind.
    @Test func theReasonReachesTheReaderWhetherItWaitsOrNot() async throws {
        let (feed, _) = try await LiveFeedTests.feed()
        let waiting = try await feed.subscribe(scope: .all, user: nil, key: "a")
        let busy = try await feed.subscribe(scope: .all, user: nil, key: "b")
        let leaving = try await feed.subscribe(scope: .all, user: nil, key: "c")
        let reader = Task { await feed.next(waiting) }
        try await liveWaitUntil { await feed.subscribers[waiting]?.waiter != nil }
        await feed.end(waiting, reason: .replaced)
        let frames = await reader.value
        guard let frames, frames.count == 1, case .closed(.replaced) = frames[0] else {
            Issue.record("the waiting reader got \(String(describing: frames))")
            return
        }
        #expect(await feed.next(waiting) == nil)

        await feed.end(busy, reason: .keyRevoked)
        await feed.end(busy, reason: .shutdown)  // ended once: the first reason stands
        #expect(await liveEnding(feed, busy) == .keyRevoked)

        await feed.end(leaving, reason: .stalled)
        await feed.cancel(leaving)  // its response gave up: nothing is kept for it
        #expect(await feed.endings.isEmpty)
        #expect(await feed.next(leaving) == nil)

        let untaken = try await feed.subscribe(scope: .all, user: nil, key: "d")
        await feed.end(untaken, reason: .stalled)
        #expect(await feed.forgetUntakenEndings(after: .seconds(60), now: .now + .seconds(61)) == 1)
        #expect(await feed.next(untaken) == nil)
    }

    @Test func shutdownTellsEveryStream() async throws {
        let (feed, _) = try await LiveFeedTests.feed()
        let a = try await feed.subscribe(scope: .all, user: "op@example.com")
        let b = try await feed.subscribe(scope: .only(["SUB001"]), user: nil, key: "k")
        await feed.close()
        #expect(await liveEnding(feed, a) == .shutdown)
        #expect(await liveEnding(feed, b) == .shutdown)
        await #expect(throws: LiveFeedError.closed) { try await feed.subscribe(scope: .all, user: nil) }
    }

    @Test func theClosedEventNamesTheReasonAndCarriesNoID() throws {
        for reason in LiveEndReason.allCases {
            let bytes = try #require(ServerSentEvent.encode(.closed(reason), id: { _ in "x" }, scope: .only(["SUB001"])))
            let text = String(buffer: bytes)
            #expect(text.hasPrefix("event: closed\ndata: {") && text.hasSuffix("}\n\n") && !text.contains("id:"), "\(text)")
            let data = String(text.dropFirst("event: closed\ndata: ".count).dropLast(2))
            let body = try JSONDecoder().decode([String: String].self, from: Data(data.utf8))
            #expect(body == ["reason": reason.rawValue, "message": reason.message])
        }
    }
}
