import Testing

@testable import HopHubCore

/// The throttle's rules alone, over rows as the stores keep them (the stores' behaviour is in
/// `LockoutTests` and `LoginHardeningTests`, on both backends).
@Suite struct LoginThrottleRulesTests {
    let keys = LoginThrottleKeys(account: "account:op@example.com", address: "address:10.0.0.1")
    var limits: LoginLimits {
        var settings = AccountSettings()
        settings.failureWindowSeconds = 60
        settings.lockoutSeconds = 600
        settings.maxFailures = 3
        settings.maxFailuresPerAddress = 5
        return LoginLimits(settings)
    }

    func reserve(_ rows: inout [String: LoginThrottleRow], at now: Int64) -> LoginReserveDecision {
        let decision = LoginThrottleRules.reserve(
            keys, account: rows[keys.account] ?? LoginThrottleRow(), address: rows[keys.address!] ?? LoginThrottleRow(), now: now,
            limits: limits)
        for (key, row) in decision.rows { rows[key] = row }
        return decision
    }

    @Test func attemptsCountWithinTheWindowAndTheLimitLocksTheAccount() {
        var rows: [String: LoginThrottleRow] = [:]
        _ = reserve(&rows, at: 1_000)
        _ = reserve(&rows, at: 2_000)
        #expect(rows[keys.account]?.failures == 2 && rows[keys.account]?.firstFailureAt == 1_000)
        let third = reserve(&rows, at: 3_000)
        guard case .proceed(let reservation) = third.gate else {
            Issue.record("the attempt reaching the limit is still checked: \(third.gate)")
            return
        }
        #expect(reservation.accountLock == 603_000 && reservation.addressLock == nil)
        #expect(rows[keys.account]?.lockedUntil == 603_000 && rows[keys.account]?.failures == 0)
        #expect(rows[keys.address!]?.failures == 3)
    }

    @Test func aFailureAfterTheWindowStartsANewCount() {
        var rows: [String: LoginThrottleRow] = [:]
        _ = reserve(&rows, at: 1_000)
        _ = reserve(&rows, at: 2_000)
        _ = reserve(&rows, at: 61_000)
        #expect(rows[keys.account]?.failures == 1 && rows[keys.account]?.firstFailureAt == 61_000)
    }

    @Test func aLockedKeyIsAuditedOncePerLockAndTheRestAreCountedForTheNextRow() {
        var rows = [keys.account: LoginThrottleRow(lockedUntil: 600_000, suppressed: 2)]
        let first = reserve(&rows, at: 10_000)
        #expect(first.gate == .locked(.account, until: 600_000, audited: true))
        #expect(first.deniedAudit?.lock == .account && first.deniedAudit?.suppressedEarlier == 2)
        let second = reserve(&rows, at: 11_000)
        #expect(second.gate == .locked(.account, until: 600_000, audited: false) && second.deniedAudit == nil)
        #expect(rows[keys.account]?.suppressed == 1 && rows[keys.account]?.deniedFor == 600_000)
        // After the lock, the next counted attempt reports the suppressed denial.
        guard case .proceed(let reservation) = reserve(&rows, at: 600_001).gate else {
            Issue.record("the lock did not end")
            return
        }
        #expect(reservation.suppressedEarlier == 1 && rows[keys.account]?.suppressed == 0)
    }

    @Test func releaseResetsTheAccountAndGivesTheAddressItsAttemptBackUnlessAnotherLockHolds() {
        var rows: [String: LoginThrottleRow] = [:]
        _ = reserve(&rows, at: 1_000)
        guard case .proceed(let reservation) = reserve(&rows, at: 2_000).gate else {
            Issue.record("refused below the limit")
            return
        }
        let released = LoginThrottleRules.release(reservation, account: rows[keys.account]!, address: rows[keys.address!], now: 2_500)
        #expect(released.held == nil)
        let after = Dictionary(uniqueKeysWithValues: released.rows.map { ($0.key, $0.row) })
        #expect(after[keys.account]?.failures == 0 && after[keys.account]?.firstFailureAt == nil)
        #expect(after[keys.address!]?.failures == 1)
        // A lock another attempt set meanwhile holds: nothing is released.
        var locked = rows[keys.account]!
        locked.lockedUntil = 900_000
        let held = LoginThrottleRules.release(reservation, account: locked, address: rows[keys.address!], now: 2_500)
        #expect(held.held?.lock == .account && held.held?.until == 900_000 && held.rows.isEmpty)
    }
}
