import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Alarm changes reach live streams as `alarm` events, only for callers granted the substation.
@Suite struct AlarmLiveTests {
    @Test func alarmEventsFollowTheCallersGrants() async throws {
        let (feed, t) = try await LiveFeedTests.feed()
        let sub1 = try await feed.subscribe(scope: .only(["SUB001"]), user: "op@example.com")
        let all = try await feed.subscribe(scope: .all, user: nil)
        let engine = AlarmEngine(store: t.hub.sqlite, settings: AlarmSettings(), logger: Logger(label: "test"))
        let now = SourceTime.now().epochMilliseconds
        for sub in ["SUB001", "SUB002"] {
            let a = try #require(await engine.raise(AlarmCondition(type: .feederTrip, substationID: SubstationID(sub), feederID: "F1", at: now, message: "trip")))
            await feed.process(.alarm(a))
        }
        let mine = await LiveFeedTests.queued(feed, sub1).filter { $0.kind == .alarm }
        #expect(mine.count == 1)
        let json = try #require(mine.first?.json(for: .only(["SUB001"])))
        let alarm = try JSONDecoder().decode(Alarm.self, from: Data(json.utf8))
        #expect(alarm.substationID == "SUB001" && alarm.state == .unacknowledgedActive && alarm.priority == .high)
        #expect(await LiveFeedTests.queued(feed, all).filter { $0.kind == .alarm }.count == 2)
    }
}
