import HopProtocol
import Testing

@testable import HopEdge

@Suite struct RetryPolicyTests {
    /// The edge's defaults: backoff_initial 500 ms, backoff_max 60 s.
    func policy() -> RetryPolicy { RetryPolicy(initial: .milliseconds(500), maximum: .seconds(60)) }

    @Test func whileTheHubIsUnreachableEveryDelayStaysWithinTheReconnectCapHoweverLongTheOutage() throws {
        var policy = policy()
        let delays = (0..<4000).map { _ in policy.delay(after: .unreachable) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(4) })
        #expect(policy.needsProbe)
        // Full jitter over the whole window: a fleet that lost the hub together spreads out.
        let late = delays.dropFirst(10).map(\.milliseconds)
        #expect(try #require(late.min()) < 200)
        #expect(try #require(late.max()) > 3800)
        let mean = Double(late.reduce(0, +)) / Double(late.count)
        #expect(mean > 1800 && mean < 2200, "mean \(mean) ms")
    }

    @Test func theFirstRetriesAfterAnOutageStartsAreQuick() {
        var policy = policy()
        let first = (0..<3).map { _ in policy.delay(after: .unreachable) }
        #expect(first[0] <= .milliseconds(500) && first[1] <= .seconds(1) && first[2] <= .seconds(2))
    }

    @Test func aHubThatAnswersButFailsIsBackedOffUpToBackoffMax() throws {
        var policy = policy()
        let delays = (0..<400).map { _ in policy.delay(after: .failed) }
        #expect(delays.allSatisfy { $0 <= .seconds(60) })
        #expect(try #require(delays.dropFirst(8).max()) > .seconds(30))
        #expect(!policy.needsProbe)
    }

    @Test func retryAfterIsAFloorWithASpreadAboveIt() throws {
        var policy = policy()
        let short = (0..<400).map { _ in policy.delay(after: .retryAfter(.seconds(1))) }
        #expect(short.allSatisfy { $0 >= .seconds(1) && $0 <= .seconds(2) })
        #expect(try #require(short.min()) < .milliseconds(1100) && short.max()! > .milliseconds(1900))
        let long = (0..<100).map { _ in policy.delay(after: .retryAfter(.seconds(30))) }
        #expect(long.allSatisfy { $0 >= .seconds(30) && $0 <= .seconds(34) })
        #expect(!policy.needsProbe)
    }

    @Test func theReconnectCapNeverExceedsBackoffMax() {
        var policy = RetryPolicy(initial: .milliseconds(100), maximum: .seconds(1))
        #expect(policy.reconnectCap == .seconds(1))
        #expect((0..<200).allSatisfy { _ in policy.delay(after: .unreachable) <= .seconds(1) })
    }

    @Test func aTakenBatchStartsOverAndAnAnsweredProbeEndsProbing() {
        var policy = policy()
        for _ in 0..<12 { _ = policy.delay(after: .unreachable) }
        #expect(policy.needsProbe && policy.failures == 12)
        policy.hubAnswered()
        #expect(!policy.needsProbe && policy.failures == 12)
        policy.succeeded()
        #expect(policy.failures == 0)
        #expect(policy.delay(after: .failed) <= .milliseconds(500))
    }
}
