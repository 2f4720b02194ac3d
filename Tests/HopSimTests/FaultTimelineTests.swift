import Testing

@testable import HopSim

@Suite struct FaultTimelineTests {
    @Test func tripAndRestoreKeepHistory() {
        var tl = FaultTimeline()
        let opened = tl.trip(substation: 1, feeder: 2, at: 1_000)
        #expect(opened)
        let openedAgain = tl.trip(substation: 1, feeder: 2, at: 1_500)
        #expect(!openedAgain)  // already open
        let closed = tl.restore(substation: 1, feeder: 2, at: 2_000)
        #expect(closed)
        let closedAgain = tl.restore(substation: 1, feeder: 2, at: 2_500)
        #expect(!closedAgain)  // already closed
        #expect(tl.isBreakerClosed(substation: 1, feeder: 2, at: 999))
        #expect(!tl.isBreakerClosed(substation: 1, feeder: 2, at: 1_000))
        #expect(!tl.isBreakerClosed(substation: 1, feeder: 2, at: 1_999))
        #expect(tl.isBreakerClosed(substation: 1, feeder: 2, at: 2_000))
        #expect(tl.isBreakerClosed(substation: 1, feeder: 3, at: 1_500))
    }

    @Test func timedTripReclosesAndTransitionsCarryExactTimes() {
        var tl = FaultTimeline()
        tl.trip(substation: 0, feeder: 0, at: 10_000, durationMs: 5_000)
        tl.trip(substation: 2, feeder: 1, at: 12_000)
        let all = tl.breakerTransitions(after: 0, upTo: 20_000)
        #expect(
            all == [
                .init(substation: 0, feeder: 0, at: 10_000, closed: false, openedAt: 10_000),
                .init(substation: 2, feeder: 1, at: 12_000, closed: false, openedAt: 12_000),
                .init(substation: 0, feeder: 0, at: 15_000, closed: true, openedAt: 10_000),
            ])
        // Half-open windows: a transition is reported exactly once across consecutive windows.
        #expect(tl.breakerTransitions(after: 0, upTo: 10_000).count == 1)
        #expect(tl.breakerTransitions(after: 10_000, upTo: 12_000).count == 1)
        #expect(tl.breakerTransitions(after: 12_000, upTo: 15_000).count == 1)
        #expect(tl.reclose(substation: 0, feeder: 0, openedAt: 10_000) == 15_000)
        #expect(tl.reclose(substation: 2, feeder: 1, openedAt: 12_000) == nil)
    }

    @Test func silenceWithAndWithoutDuration() {
        var tl = FaultTimeline()
        tl.silence(substation: 0, at: 100, durationMs: 50)
        #expect(!tl.isSilent(substation: 0, at: 99))
        #expect(tl.isSilent(substation: 0, at: 100) && tl.isSilent(substation: 0, at: 149))
        #expect(!tl.isSilent(substation: 0, at: 150))
        tl.silence(substation: 0, at: 200, durationMs: nil)
        #expect(tl.isSilent(substation: 0, at: 1_000_000))
        let resumed = tl.resume(substation: 0, at: 300)
        #expect(resumed)
        #expect(!tl.isSilent(substation: 0, at: 300) && tl.isSilent(substation: 0, at: 299))
    }

    @Test func registerExceptionsMatchOverlappingReadsUntilCleared() {
        var tl = FaultTimeline()
        tl.registerException(substation: 1, registers: 20...27, code: 2, at: 0, durationMs: nil)
        #expect(tl.registerException(substation: 1, registers: 0...19, at: 5) == nil)
        #expect(tl.registerException(substation: 1, registers: 0...20, at: 5) == 2)
        #expect(tl.registerException(substation: 1, registers: 27...30, at: 5) == 2)
        #expect(tl.registerException(substation: 0, registers: 20...27, at: 5) == nil)
        let cleared = tl.clearExceptions(substation: 1, at: 10)
        #expect(cleared)
        #expect(tl.registerException(substation: 1, registers: 20...27, at: 10) == nil)
        #expect(tl.registerException(substation: 1, registers: 20...27, at: 9) == 2)
    }

    @Test func trapezoidRampsAndPlateau() {
        #expect(FaultTimeline.trapezoid(height: -1, start: 0, durationMs: 10_000, at: -1) == 0)
        #expect(FaultTimeline.trapezoid(height: -1, start: 0, durationMs: 10_000, at: 0) == 0)
        #expect(FaultTimeline.trapezoid(height: -1, start: 0, durationMs: 10_000, at: 1_000) == -0.5)
        #expect(FaultTimeline.trapezoid(height: -1, start: 0, durationMs: 10_000, at: 5_000) == -1)
        #expect(FaultTimeline.trapezoid(height: -1, start: 0, durationMs: 10_000, at: 9_000) == -0.5)
        #expect(FaultTimeline.trapezoid(height: -1, start: 0, durationMs: 10_000, at: 10_000) == 0)
        // Short pulses ramp over a quarter of their length.
        #expect(FaultTimeline.trapezoid(height: 1, start: 0, durationMs: 400, at: 50) == 0.5)
    }
}
