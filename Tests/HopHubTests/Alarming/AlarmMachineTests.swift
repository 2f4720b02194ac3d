import HopProtocol
import Testing

@testable import HopHubCore

/// Every transition of the alarm state machine, legal and refused, from every state.
@Suite struct AlarmMachineTests {
    static let t0: Int64 = 1_800_000_000_000
    let machine = AlarmMachine(maxShelveSeconds: 3600)

    /// An alarm in `state` with its condition `active`.
    static func alarm(_ state: AlarmState, active: Bool = true) -> Alarm {
        var a = Alarm(
            id: 7, type: .feederTrip, substationID: "SUB001", feederID: "FDR001", priority: .high, raisedAt: .init(epochMilliseconds: t0),
            message: "trip", updatedAt: .init(epochMilliseconds: t0))
        a.state = state
        a.active = active
        if state == .shelved { a.shelvedUntil = .init(epochMilliseconds: t0 + 600_000) }
        return a
    }

    static let raise = AlarmAction.raise(at: t0 + 1000, value: 1.5, message: "again")
    static let rtn = AlarmAction.returnToNormal(at: t0 + 2000)
    static let ack = AlarmAction.acknowledge(by: "op@example.com", comment: "on it", at: t0 + 3000)
    static let shelve = AlarmAction.shelve(by: "op@example.com", until: t0 + 1_800_000, reason: "maintenance", at: t0 + 4000)
    static let unshelve = AlarmAction.unshelve(by: "op@example.com", at: t0 + 5000)
    static let oos = AlarmAction.removeFromService(by: "op@example.com", reason: "sensor replaced", at: t0 + 6000)
    static let rts = AlarmAction.returnToService(by: "op@example.com", at: t0 + 7000)

    func apply(_ action: AlarmAction, _ alarm: Alarm) throws -> Alarm {
        try machine.apply(action, to: alarm, now: Self.t0 + 10_000)
    }

    /// The full table: state (with condition) × action → resulting state, or the refusal.
    static let table: [(AlarmState, Bool, AlarmAction, Result<AlarmState, AlarmTransitionError>)] = [
        (.unacknowledgedActive, true, raise, .success(.unacknowledgedActive)),
        (.unacknowledgedActive, true, rtn, .success(.returnedUnacknowledged)),
        (.unacknowledgedActive, true, ack, .success(.acknowledgedActive)),
        (.unacknowledgedActive, true, shelve, .success(.shelved)),
        (.unacknowledgedActive, true, unshelve, .failure(.notShelved)),
        (.unacknowledgedActive, true, oos, .success(.outOfService)),
        (.unacknowledgedActive, true, rts, .failure(.notOutOfService)),
        (.acknowledgedActive, true, raise, .success(.acknowledgedActive)),
        (.acknowledgedActive, true, rtn, .success(.cleared)),
        (.acknowledgedActive, true, ack, .failure(.alreadyAcknowledged)),
        (.acknowledgedActive, true, shelve, .success(.shelved)),
        (.acknowledgedActive, true, unshelve, .failure(.notShelved)),
        (.acknowledgedActive, true, oos, .success(.outOfService)),
        (.acknowledgedActive, true, rts, .failure(.notOutOfService)),
        (.returnedUnacknowledged, false, raise, .success(.unacknowledgedActive)),
        (.returnedUnacknowledged, false, rtn, .failure(.notActive)),
        (.returnedUnacknowledged, false, ack, .success(.cleared)),
        (.returnedUnacknowledged, false, shelve, .success(.shelved)),
        (.returnedUnacknowledged, false, unshelve, .failure(.notShelved)),
        (.returnedUnacknowledged, false, oos, .success(.outOfService)),
        (.returnedUnacknowledged, false, rts, .failure(.notOutOfService)),
        (.cleared, false, raise, .failure(.cleared)),
        (.cleared, false, rtn, .failure(.cleared)),
        (.cleared, false, ack, .failure(.cleared)),
        (.cleared, false, shelve, .failure(.cleared)),
        (.cleared, false, unshelve, .failure(.cleared)),
        (.cleared, false, oos, .failure(.cleared)),
        (.cleared, false, rts, .failure(.cleared)),
        (.shelved, true, raise, .success(.shelved)),
        (.shelved, true, rtn, .success(.shelved)),
        (.shelved, false, rtn, .failure(.notActive)),
        (.shelved, true, ack, .failure(.shelved)),
        (.shelved, true, shelve, .failure(.shelved)),
        (.shelved, true, unshelve, .success(.unacknowledgedActive)),
        (.shelved, false, unshelve, .success(.cleared)),
        (.shelved, true, oos, .failure(.shelved)),
        (.shelved, true, rts, .failure(.notOutOfService)),
        (.outOfService, true, raise, .success(.outOfService)),
        (.outOfService, true, rtn, .success(.outOfService)),
        (.outOfService, true, ack, .failure(.outOfService)),
        (.outOfService, true, shelve, .failure(.outOfService)),
        (.outOfService, true, unshelve, .failure(.notShelved)),
        (.outOfService, true, oos, .failure(.outOfService)),
        (.outOfService, true, rts, .success(.unacknowledgedActive)),
        (.outOfService, false, rts, .success(.cleared)),
    ]

    @Test(arguments: 0..<table.count)
    func transitionTableHolds(_ row: Int) throws {
        let (state, active, action, expected) = Self.table[row]
        let before = Self.alarm(state, active: active)
        switch expected {
        case .success(let after):
            let a = try apply(action, before)
            #expect(a.state == after, "\(state) + \(action.event)")
            #expect(a.updatedAt.epochMilliseconds == Self.t0 + 10_000)
        case .failure(let error):
            #expect(throws: error, "\(state) + \(action.event)") { try apply(action, before) }
        }
    }

    @Test func everyStateAndActionPairIsInTheTable() {
        let actions = [Self.raise, Self.rtn, Self.ack, Self.shelve, Self.unshelve, Self.oos, Self.rts].map(\.event)
        for state in AlarmState.allCases {
            for action in actions {
                #expect(Self.table.contains { $0.0 == state && $0.2.event == action }, "\(state) \(action)")
            }
        }
    }

    @Test func raiseCountsRepeatsAndKeepsTheFirstRaiseTime() throws {
        var a = Self.alarm(.unacknowledgedActive)
        a = try apply(Self.raise, a)
        a = try apply(.raise(at: Self.t0 + 1500, value: nil, message: "third"), a)
        #expect(a.raiseCount == 3 && a.raisedAt.epochMilliseconds == Self.t0 && a.lastRaisedAt.epochMilliseconds == Self.t0 + 1500)
        #expect(a.message == "third" && a.active)
    }

    @Test func returnThenAcknowledgeClearsAndRecordsWhoAndWhen() throws {
        var a = try apply(Self.rtn, Self.alarm(.unacknowledgedActive))
        #expect(a.state == .returnedUnacknowledged && !a.active && a.returnedAt?.epochMilliseconds == Self.t0 + 2000)
        a = try apply(Self.ack, a)
        #expect(a.state == .cleared && a.clearedAt != nil)
        #expect(a.acknowledgedBy == "op@example.com" && a.acknowledgeComment == "on it" && a.acknowledgedAt?.epochMilliseconds == Self.t0 + 3000)
    }

    @Test func shelvingIsCappedNeedsAReasonAndAFutureEnd() {
        let a = Self.alarm(.unacknowledgedActive)
        let now = Self.t0
        #expect(throws: AlarmTransitionError.shelveTooLong(maxSeconds: 3600)) {
            try machine.apply(.shelve(by: "op", until: now + 3_600_001, reason: "r", at: now), to: a, now: now)
        }
        #expect(throws: AlarmTransitionError.shelveNotInFuture) {
            try machine.apply(.shelve(by: "op", until: now, reason: "r", at: now), to: a, now: now)
        }
        #expect(throws: AlarmTransitionError.reasonRequired) {
            try machine.apply(.shelve(by: "op", until: now + 1000, reason: "", at: now), to: a, now: now)
        }
        #expect(throws: AlarmTransitionError.reasonRequired) {
            try machine.apply(.removeFromService(by: "op", reason: "", at: now), to: a, now: now)
        }
        let shelved = try? machine.apply(.shelve(by: "op", until: now + 3_600_000, reason: "r", at: now), to: a, now: now)
        #expect(shelved?.shelvedUntil?.epochMilliseconds == now + 3_600_000 && shelved?.shelveReason == "r" && shelved?.shelvedBy == "op")
    }

    @Test func aShelfExpiresOnlyAtItsEnd() throws {
        let a = Self.alarm(.shelved)  // until t0 + 10 min
        #expect(throws: AlarmTransitionError.shelfNotExpired) { try machine.apply(.expireShelf(at: Self.t0 + 599_999), to: a, now: Self.t0) }
        let back = try machine.apply(.expireShelf(at: Self.t0 + 600_000), to: a, now: Self.t0 + 600_000)
        #expect(back.state == .unacknowledgedActive && back.shelvedUntil == nil && back.shelveReason == nil)
        #expect(throws: AlarmTransitionError.notShelved) {
            try machine.apply(.expireShelf(at: Self.t0), to: Self.alarm(.acknowledgedActive), now: Self.t0)
        }
    }

    @Test func aConditionThatCameAndWentWhileShelvedIsClearedOnUnshelve() throws {
        var a = try apply(Self.shelve, Self.alarm(.acknowledgedActive))
        a = try apply(Self.rtn, a)
        a = try apply(Self.raise, a)
        a = try apply(.returnToNormal(at: Self.t0 + 8000), a)
        #expect(a.state == .shelved && !a.active && a.raiseCount == 2)
        a = try apply(Self.unshelve, a)
        #expect(a.state == .cleared)
    }

    @Test func annunciationStopsWhileShelvedOrOutOfService() {
        #expect(AlarmMachine.annunciates(.unacknowledgedActive) && AlarmMachine.annunciates(.returnedUnacknowledged))
        #expect(!AlarmMachine.annunciates(.shelved) && !AlarmMachine.annunciates(.outOfService))
    }
}
