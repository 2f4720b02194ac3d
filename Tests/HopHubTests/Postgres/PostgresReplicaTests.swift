import Foundation
import HopProtocol
import HopTestSupport
import Logging
import PostgresNIO
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// The guarantees of one hub held by two replicas on one database: two `PostgresStore`s, each
/// with its own pool, doing the same thing at the same moment. Where the implementation waits for
/// a lock, a third connection holds that lock until both replicas' transactions wait for it, so
/// they really race instead of happening to run one after the other; where it must not wait
/// (the outbox), the held rows are skipped while the holder still has them.
@Suite struct PostgresReplicaTests {
    static let logger = Logger(label: "test")

    /// Runs `a` and `b` concurrently while `hold` (on the holder's own connection, in a transaction)
    /// keeps what they need; ends that transaction with `release` once both wait, and returns their results.
    static func race<T: Sendable>(
        holder: PostgresStore, hold: PostgresQuery, release: PostgresQuery = "COMMIT",
        _ a: @escaping @Sendable () async throws -> T, _ b: @escaping @Sendable () async throws -> T
    ) async throws -> [T] {
        try await holder.client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            _ = try await connection.query(hold, logger: logger).collect()
            async let first = a()
            async let second = b()
            try await waitUntil("both replicas waiting for the held lock") {
                try await PostgresExactlyOnceTests.waitingSessions(holder) >= 2
            }
            try await connection.query(release, logger: logger)
            return [try await first, try await second]
        }
    }

    static func count(_ store: PostgresStore, _ sql: String) async throws -> Int {
        try await StoreTestData.count(store, sql)
    }

    static func trip(feeder: String, at time: Int64) -> AlertCandidate {
        AlertCandidate(kind: .trip, substationID: "SUB001", feederID: feeder, sourceTs: time)
    }

    static let mail = OutboxMessage(recipients: ["ops@example.com"], subject: "trip", body: "b")

    // MARK: Alert decisions

    @Test func twoReplicasDecidingTheSameTripSendItOnce() async throws {
        let (a, b, holder) = try await PostgresExactlyOnceTests.replicas()
        let policy = AlertPolicy(settings: AlertSettings())
        let now: Int64 = 1_800_000_000_000
        let candidate = Self.trip(feeder: "FDR001", at: now)
        let entries = try await Self.race(
            holder: holder, hold: "SELECT pg_advisory_xact_lock(\(PostgresLockSpace.alertCapGroup.rawValue), hashtext('trip'))::text",
            { try await a.decideAlert(candidate, policy: policy, message: Self.mail, now: now) },
            { try await b.decideAlert(candidate, policy: policy, message: Self.mail, now: now) })
        #expect(entries.map(\.outcome).sorted() == ["sent", "suppressed"])
        #expect(entries.compactMap(\.reason) == ["cooldown"])
        #expect(try await Self.count(holder, "SELECT count(*) FROM alert_outbox") == 1)
    }

    @Test func twoReplicasRacingForTheCapsLastSlotSendOneAlert() async throws {
        let (a, b, holder) = try await PostgresExactlyOnceTests.replicas()
        var settings = AlertSettings()
        settings.tripCapPerHour = 1
        let policy = AlertPolicy(settings: settings)
        let now: Int64 = 1_800_000_000_000
        // Two different feeders: no cooldown in common, only the cap allows one of them.
        let entries = try await Self.race(
            holder: holder, hold: "SELECT pg_advisory_xact_lock(\(PostgresLockSpace.alertCapGroup.rawValue), hashtext('trip'))::text",
            { try await a.decideAlert(Self.trip(feeder: "FDR001", at: now), policy: policy, message: Self.mail, now: now) },
            { try await b.decideAlert(Self.trip(feeder: "FDR002", at: now), policy: policy, message: Self.mail, now: now) })
        #expect(entries.map(\.outcome).sorted() == ["sent", "suppressed"])
        #expect(entries.compactMap(\.reason) == ["global_cap"])
        #expect(try await Self.count(holder, "SELECT count(*) FROM alert_outbox") == 1)
    }

    @Test func manyConcurrentDecisionsOfOneTripOnTwoReplicasSendOne() async throws {
        let (a, b, holder) = try await PostgresExactlyOnceTests.replicas()
        let policy = AlertPolicy(settings: AlertSettings())
        let now: Int64 = 1_800_000_000_000
        let candidate = Self.trip(feeder: "FDR001", at: now)
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<16 {
                let store = i % 2 == 0 ? a : b
                group.addTask { try await store.decideAlert(candidate, policy: policy, message: Self.mail, now: now).outcome }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "sent" }.count == 1)
        #expect(outcomes.count == 16)
        #expect(try await Self.count(holder, "SELECT count(*) FROM alert_outbox") == 1)
    }

    // MARK: Outbox

    /// Ten queued mails (trips of ten feeders), decided through `store`.
    static func queueTen(_ store: PostgresStore, now: Int64) async throws {
        var settings = AlertSettings()
        settings.tripCapPerHour = 100
        let policy = AlertPolicy(settings: settings)
        for i in 0..<10 {
            let entry = try await store.decideAlert(Self.trip(feeder: "F\(i)", at: now), policy: policy, message: Self.mail, now: now)
            #expect(entry.outcome == "sent")
        }
    }

    @Test func aClaimSkipsMailAnotherReplicaHasLockedInsteadOfWaiting() async throws {
        let (a, b, holder) = try await PostgresExactlyOnceTests.replicas()
        let now: Int64 = 1_800_000_000_000
        try await Self.queueTen(a, now: now)
        try await holder.client.withConnection { connection in
            try await connection.query("BEGIN", logger: Self.logger)
            let held = try await connection.query(
                "SELECT id FROM alert_outbox ORDER BY id LIMIT 4 FOR UPDATE", logger: Self.logger
            ).collect().map { try $0.decode(Int64.self) }
            // While the four rows are locked, a claim answers with the other six without waiting for them.
            let first = try await finish("a claim while another replica holds four rows") {
                try await a.claimOutbox(now: now, limit: 10, claimMs: 60_000)
            }
            #expect(first.count == 6)
            #expect(Set(first.map(\.id)).isDisjoint(with: held))
            try await connection.query("COMMIT", logger: Self.logger)
            let second = try await b.claimOutbox(now: now, limit: 10, claimMs: 60_000)
            #expect(second.map(\.id) == held)
        }
        #expect(try await a.claimOutbox(now: now, limit: 10, claimMs: 60_000).isEmpty)
    }

    @Test func concurrentClaimsOnTwoReplicasNeverReturnOneMailTwice() async throws {
        let (a, b, _) = try await PostgresExactlyOnceTests.replicas()
        let now: Int64 = 1_800_000_000_000
        try await Self.queueTen(a, now: now)
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for i in 0..<8 {
                let store = i % 2 == 0 ? a : b
                group.addTask { try await store.claimOutbox(now: now, limit: 3, claimMs: 60_000).map(\.id) }
            }
            return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        let ids = claims.flatMap { $0 }
        #expect(ids.count == 10)
        #expect(Set(ids).count == ids.count)
        // A claim that was never completed (the replica died) is due again once its claim time is over.
        #expect(try await b.claimOutbox(now: now + 59_999, limit: 20, claimMs: 60_000).isEmpty)
        #expect(try await b.claimOutbox(now: now + 60_000, limit: 20, claimMs: 60_000).count == 10)
    }

    // MARK: Leases

    @Test func twoReplicasTakingAnExpiredLeaseAtOnceGiveItToOne() async throws {
        let (a, b, holder) = try await PostgresExactlyOnceTests.replicas()
        #expect(try await a.acquireLease("scorer", holder: "old", now: 0, ttlMs: 1_000))
        let taken = try await Self.race(
            holder: holder, hold: "SELECT holder FROM job_leases WHERE name = 'scorer' FOR UPDATE",
            { try await a.acquireLease("scorer", holder: "A", now: 5_000, ttlMs: 60_000) },
            { try await b.acquireLease("scorer", holder: "B", now: 5_000, ttlMs: 60_000) })
        #expect(taken.filter { $0 }.count == 1)
        let winner = taken[0] ? "A" : "B"
        #expect(try await Self.count(holder, "SELECT count(*) FROM job_leases WHERE holder = '\(winner)'") == 1)
        // The loser cannot take it while it runs; the winner renews it.
        #expect(try await !(taken[0] ? b : a).acquireLease("scorer", holder: winner == "A" ? "B" : "A", now: 6_000, ttlMs: 60_000))
        #expect(try await (taken[0] ? a : b).acquireLease("scorer", holder: winner, now: 6_000, ttlMs: 60_000))
    }

    @Test func twoReplicasCreatingALeaseAtOnceGiveItToOne() async throws {
        let (a, b, holder) = try await PostgresExactlyOnceTests.replicas()
        // An uncommitted row of the same name: both inserts wait on the primary key; rolled back,
        // one creates the lease and the other's upsert finds it held.
        let taken = try await Self.race(
            holder: holder, hold: "INSERT INTO job_leases (name, holder, expires_at) VALUES ('scorer', 'ghost', 0)", release: "ROLLBACK",
            { try await a.acquireLease("scorer", holder: "A", now: 5_000, ttlMs: 60_000) },
            { try await b.acquireLease("scorer", holder: "B", now: 5_000, ttlMs: 60_000) })
        #expect(taken.filter { $0 }.count == 1)
        #expect(try await Self.count(holder, "SELECT count(*) FROM job_leases") == 1)
    }

    // MARK: Alarms

    @Test func twoReplicasRaisingANewAlarmAtOnceOpenOne() async throws {
        let (a, b, holder) = try await PostgresExactlyOnceTests.replicas()
        let clock = TestClock()
        let engines = [AlarmEngineTests.engine(a, clock), AlarmEngineTests.engine(b, clock)]
        let condition = AlarmCondition(type: .feederTrip, substationID: "SUB001", feederID: "FDR001", at: clock.now, message: "trip")
        // An uncommitted open alarm of the same key: both replicas find no open alarm, and their
        // inserts wait on the partial unique index. Rolled back, one opens the alarm; the other is
        // refused by the index once that commits, re-reads, and re-raises the alarm the first opened.
        let raised = try await Self.race(
            holder: holder,
            hold: """
                INSERT INTO alarms (type, substation_id, point, priority, state, active, raised_at, last_raised_at, raise_count, message, updated_at)
                VALUES ('FEEDER_TRIP', 'SUB001', 'FDR001', 'high', 'unacknowledged_active', true, 0, 0, 1, 'ghost', 0)
                """,
            release: "ROLLBACK",
            { await engines[0].raise(condition) }, { await engines[1].raise(condition) })
        #expect(raised.allSatisfy { $0 != nil }, "a replica's raise was lost")
        let open = try await holder.alarms(AlarmFilter(scope: .all))
        #expect(open.count == 1)
        let alarm = try #require(open.first)
        #expect(alarm.raiseCount == 2)
        #expect(try await holder.alarmHistory(id: alarm.id).map(\.event) == ["raised", "reraised"])
    }

    @Test func concurrentRaisesOfOneKeyOnTwoReplicasKeepOneOpenAlarm() async throws {
        let (a, b, holder) = try await PostgresExactlyOnceTests.replicas()
        let clock = TestClock()
        let engines = [AlarmEngineTests.engine(a, clock), AlarmEngineTests.engine(b, clock)]
        let condition = AlarmCondition(type: .feederTrip, substationID: "SUB001", feederID: "FDR001", at: clock.now, message: "trip")
        let raised = await withTaskGroup(of: Alarm?.self) { group in
            for i in 0..<12 { group.addTask { await engines[i % 2].raise(condition) } }
            return await group.reduce(into: [Alarm?]()) { $0.append($1) }
        }
        #expect(raised.allSatisfy { $0 != nil }, "a replica's raise was lost")
        let open = try await holder.alarms(AlarmFilter(scope: .all))
        #expect(open.count == 1 && open.first?.raiseCount == 12)
    }

    @Test func theDatabaseRefusesASecondOpenAlarmOfOneKey() async throws {
        let (a, _, holder) = try await PostgresExactlyOnceTests.replicas()
        let clock = TestClock()
        _ = try #require(await AlarmEngineTests.engine(a, clock).raise(
            AlarmCondition(type: .feederTrip, substationID: "SUB001", feederID: "FDR001", at: clock.now, message: "trip")))
        await #expect(throws: PSQLError.self) {
            _ = try await holder.client.query(
                """
                INSERT INTO alarms (type, substation_id, point, priority, state, active, raised_at, last_raised_at, raise_count, message, updated_at)
                VALUES ('FEEDER_TRIP', 'SUB001', 'FDR001', 'high', 'unacknowledged_active', true, 0, 0, 1, 'second', 0)
                """).collect()
        }
    }

    // MARK: Audit and accounts

    @Test func theAuditLogRefusesUpdateDeleteAndTruncate() async throws {
        let (a, _, holder) = try await PostgresExactlyOnceTests.replicas()
        let stored = try await a.appendAudit(AuditEntry(at: 1_000, actor: "a@example.com", action: .login))
        let id = try #require(stored.id)
        for sql in ["UPDATE audit_log SET actor = 'someone-else' WHERE id = \(id)", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
            await #expect(throws: PSQLError.self, "\(sql) must be refused") {
                _ = try await holder.client.query(PostgresQuery(unsafeSQL: sql)).collect()
            }
        }
        #expect(try await holder.auditEntries(AuditFilter()).map(\.actor) == ["a@example.com"])
    }

    @Test func concurrentFailedLoginsOnTwoReplicasAreAllCounted() async throws {
        let (a, b, _) = try await PostgresExactlyOnceTests.replicas()
        var settings = AccountSettings()
        settings.maxFailures = 100
        settings.maxFailuresPerAddress = 100
        let limits = LoginLimits(settings)
        let keys = LoginThrottleKeys(account: "account:op@example.com", address: "address:10.1.1.1")
        let now: Int64 = 1_800_000_000_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                let store = i % 2 == 0 ? a : b
                group.addTask {
                    let gate = try await store.reserveLoginAttempt(keys, now: now, limits: limits) { _, _ in
                        AuditEntry(at: now, actor: "op@example.com", action: .login, outcome: .denied)
                    }
                    guard case .proceed = gate else { throw TestFailure("attempt refused: \(gate)") }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await a.loginThrottle(keys.account)?.failures == 20)
        #expect(try await b.loginThrottle(keys.address!)?.failures == 20)
    }

    @Test func aSessionMadeOnOneReplicaIsValidOnTheOther() async throws {
        let (a, b, _) = try await PostgresExactlyOnceTests.replicas()
        let audit = AuditEntry(at: 1, actor: "cli", action: .userCreate, target: "op@example.com")
        let user = try #require(try await a.insertUser(
            UserRecord(email: "Op@Example.com", name: "Op", role: .operator, substations: .only(["SUB001"]), passwordHash: "$2b$x",
                       createdAt: 1, updatedAt: 1), audit: audit))
        #expect(try await b.insertUser(
            UserRecord(email: "op@EXAMPLE.com", name: "Dup", role: .operator, substations: .all, passwordHash: "$2b$y", createdAt: 2,
                       updatedAt: 2), audit: audit) == nil)
        try await a.insertSession(SessionRecord(idHash: "h1", userID: user.id, csrfToken: "c", createdAt: 10, lastSeen: 10, expiresAt: 1_000))
        let (session, owner) = try #require(try await b.session(idHash: "h1"))
        #expect(session.csrfToken == "c" && owner.email == "Op@Example.com" && owner.substations == .only(["SUB001"]))
        #expect(try await b.liveSessionHashes(among: ["h1", "h2"], now: 20, idleBefore: 5) == ["h1"])
        #expect(try await a.deleteSessions(userID: user.id) { n in AuditEntry(at: 30, actor: "cli", action: .sessionsEnd, detail: "\(n)") } == 1)
        #expect(try await b.session(idHash: "h1") == nil)
    }
}
