import HopProtocol
import Testing

@testable import HopHubCore

/// The alarm KPIs against hand-counted inputs: rates and their ISA-18.2 status, floods, the most
/// frequent and chattering points, standing alarms and time to acknowledge.
@Suite struct AlarmKPIsTests {
    static let now: Int64 = 1_800_000_000_000

    static func raise(_ sub: String, _ secondsAgo: Int64, point: String = "F1", annunciated: Bool = true) -> AlarmRaise {
        AlarmRaise(
            alarmID: 1, type: .feederTrip, substationID: SubstationID(sub), point: point, at: now - secondsAgo * 1000,
            annunciated: annunciated, priority: .high)
    }

    @Test func ratesFloodsAndStatus() {
        // 12 raises in the last 10 minutes (a flood), 3 more within the hour, 1 yesterday-ish (outside 24 h).
        var raises = (0..<12).map { Self.raise("SUB00\($0 % 3 + 1)", 30 + Int64($0) * 40, point: "P\($0)") }
        raises += [Self.raise("SUB001", 1200, point: "Q1"), Self.raise("SUB001", 1800, point: "Q2"), Self.raise("SUB001", 3000, point: "Q3")]
        raises += [Self.raise("SUB001", 90_000, point: "OLD"), Self.raise("SUB001", 100, point: "SH", annunciated: false)]
        let k = AlarmKPIs.compute(now: Self.now, raises: raises, open: [], acknowledgements: [])
        #expect(k.last10Minutes == 12 && k.lastHour == 15 && k.max10Minutes == 12)
        #expect(k.rateStatus == "flood" && k.floodPercent == 0.7)  // 1 of 144 periods
        #expect(k.averagePer10Minutes == 0.1)  // 15 / 144
        let quiet = AlarmKPIs.compute(now: Self.now, raises: [Self.raise("SUB001", 10)], open: [], acknowledgements: [])
        #expect(quiet.rateStatus == "acceptable")
        let two = AlarmKPIs.compute(now: Self.now, raises: [Self.raise("SUB001", 10), Self.raise("SUB001", 20)], open: [], acknowledgements: [])
        #expect(two.rateStatus == "manageable")
    }

    @Test func chatteringNeedsThreeRaisesWithinOneMinute() {
        let raises = [
            Self.raise("SUB001", 300, point: "A"), Self.raise("SUB001", 280, point: "A"), Self.raise("SUB001", 241, point: "A"),
            Self.raise("SUB002", 300, point: "B"), Self.raise("SUB002", 270, point: "B"), Self.raise("SUB002", 240, point: "B"),
        ]
        let k = AlarmKPIs.compute(now: Self.now, raises: raises, open: [], acknowledgements: [])
        #expect(k.chattering.map(\.point) == ["A"] && k.chattering.first?.maxPerMinute == 3)  // B spans exactly 60 s
        #expect(k.mostFrequent.count == 2 && k.mostFrequent[0].raises == 3 && k.mostFrequent[0].sharePercent == 50)
    }

    @Test func standingUnacknowledgedAndTimeToAcknowledge() {
        func alarm(_ state: AlarmState, raisedHoursAgo: Int64, priority: AlarmPriority, active: Bool = true) -> Alarm {
            var a = Alarm(
                type: .commFail, substationID: "SUB001", priority: priority,
                raisedAt: .init(epochMilliseconds: Self.now - raisedHoursAgo * 3_600_000), message: "", updatedAt: .init(epochMilliseconds: Self.now))
            a.state = state
            a.active = active
            return a
        }
        let open = [
            alarm(.acknowledgedActive, raisedHoursAgo: 30, priority: .low),
            alarm(.unacknowledgedActive, raisedHoursAgo: 1, priority: .critical),
            alarm(.returnedUnacknowledged, raisedHoursAgo: 40, priority: .high, active: false),
        ]
        let acks = [(raisedAt: Int64(0), acknowledgedAt: Int64(10_000)), (raisedAt: 0, acknowledgedAt: 20_000), (raisedAt: 0, acknowledgedAt: 90_000)]
        let k = AlarmKPIs.compute(now: Self.now, raises: [], open: open, acknowledgements: acks)
        #expect(k.standing == 1)
        #expect(k.unacknowledged == ["critical": 1, "high": 1, "medium": 0, "low": 0])
        #expect(k.acknowledged == 3 && k.meanSecondsToAcknowledge == 40 && k.medianSecondsToAcknowledge == 20)
    }
}
