import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The seed's rules as a pure function of the stored state.
@Suite struct AlertPolicyTests {
    let policy = AlertPolicy(settings: AlertSettings())
    let now: Int64 = 10_000_000_000
    let trip = AlertCandidate(kind: .trip, substationID: "SUB001", feederID: "FDR002", sourceTs: 0)
    let restore = AlertCandidate(kind: .restore, substationID: "SUB001", feederID: "FDR002", sourceTs: 0)
    let anomaly = AlertCandidate(kind: .anomaly, substationID: "SUB001", feederID: nil, sourceTs: 0)

    @Test func freshCandidatesAreSent() {
        #expect(policy.verdict(trip, state: AlertState(), now: now) == nil)
        #expect(policy.verdict(anomaly, state: AlertState(), now: now) == nil)
    }

    @Test func tripCooldownIsThirtyMinutesPerFeeder() {
        #expect(policy.verdict(trip, state: AlertState(lastSent: now - 29 * 60_000), now: now) == .cooldown)
        #expect(policy.verdict(trip, state: AlertState(lastSent: now - 30 * 60_000), now: now) == nil)
    }

    @Test func anomalyCooldownIsOneHourPerSubstation() {
        #expect(policy.verdict(anomaly, state: AlertState(lastSent: now - 59 * 60_000), now: now) == .cooldown)
        #expect(policy.verdict(anomaly, state: AlertState(lastSent: now - 60 * 60_000), now: now) == nil)
    }

    @Test func globalCaps() {
        #expect(policy.verdict(trip, state: AlertState(sentInLastHour: 2), now: now) == nil)
        #expect(policy.verdict(trip, state: AlertState(sentInLastHour: 3), now: now) == .globalCap)
        #expect(policy.verdict(anomaly, state: AlertState(sentInLastHour: 1), now: now) == nil)
        #expect(policy.verdict(anomaly, state: AlertState(sentInLastHour: 2), now: now) == .globalCap)
    }

    @Test func restoreNeedsASentTripHasNoCooldownAndSharesTheTripCap() {
        #expect(policy.verdict(restore, state: AlertState(), now: now) == .noTripAlert)
        #expect(policy.verdict(restore, state: AlertState(lastSent: now - 1, tripAlertSent: true), now: now) == nil)
        #expect(policy.verdict(restore, state: AlertState(sentInLastHour: 3, tripAlertSent: true), now: now) == .globalCap)
        #expect(restore.kind.capGroup == trip.kind.capGroup)
    }

    @Test func onlyAlarmTripsAndRestoresAreCandidates() {
        func stored(_ type: String, _ severity: String) -> StoredEvent {
            StoredEvent(ts: 1, substationID: "SUB001", event: .init(feederID: "FDR002", severity: severity, eventType: type))
        }
        #expect(AlertCandidate.from(stored("FEEDER_TRIP", "ALARM"))?.kind == .trip)
        #expect(AlertCandidate.from(stored("FEEDER_TRIP", "WARNING")) == nil)
        #expect(AlertCandidate.from(stored("FEEDER_RESTORE", "INFO"))?.kind == .restore)
        #expect(AlertCandidate.from(stored("BREAKER_OPEN", "ALARM")) == nil)
    }

    @Test func subjectIsTriageableFromALockScreen() {
        var c = trip
        c.siteName = "Portland North"
        let f = AlertMessageFormatter(portalURL: "https://portal.example/")
        #expect(f.subject(c) == "[Hop] TRIP SUB001 FDR002 — Portland North")
        #expect(f.body(c).contains("Portal: https://portal.example/portal/#tab=alarms&sub=SUB001"))
    }

    @Test func mailLinksDeepLinkToTheRightTab() {
        let f = AlertMessageFormatter(portalURL: "https://hop.example")
        var c = trip
        c.kind = .anomaly
        #expect(f.portalLink(c) == "https://hop.example/portal/#tab=ml&sub=SUB001")
        c.kind = .restore
        c.substationID = nil
        #expect(f.portalLink(c) == "https://hop.example/portal/#tab=alarms")
    }

    @Test func backoffDoublesUpToTheMaximum() {
        var s = SMTPSettings()
        s.retryInitialSeconds = 2
        s.retryMaxSeconds = 30
        #expect([1, 2, 3, 4, 5, 9].map { s.backoffMs(afterAttempts: $0) } == [2000, 4000, 8000, 16_000, 30_000, 30_000])
    }
}
