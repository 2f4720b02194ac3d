import Foundation
import GRDB
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubPostgres
@testable import HopHubSQLite

/// `hop-hub migrate` from a real SQLite data directory into a database of the throwaway
/// PostgreSQL cluster: what a user sees after the move, the refusal of a non-empty target, resuming
/// an interrupted copy, and a damaged row caught by the verification.
@Suite(.enabled(if: StoreContractTests.Backend.allCases.contains(.postgres), "HOP_SKIP_POSTGRES=1 leaves PostgreSQL out"))
struct MigrationTests {
    @Test func everyTableOfTheSQLiteSchemaIsCopiedDerivedOrNamedAsLeftOut() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hop-migrate-\(UUID().uuidString)").path
        try await Hub.openStore(HubConfiguration(dataDirectory: directory)).close()
        let source = try SQLiteMigrationSource(path: directory + "/hop.sqlite")
        let names = try await source.tableNames()
        try await source.close()
        let classified = MigrationTables.copied.map(\.name) + MigrationTables.derived.map(\.name) + MigrationTables.skipped.map(\.name)
        #expect(names == Set(classified))
        #expect(classified.count == Set(classified).count, "a table is in two lists")
    }

    @Test func aMigratedHubAnswersAsTheSQLiteHubDid() async throws {
        let fixture = try await MigrationFixture.make()
        let before = try await fixture.sourceCounts()
        for table in MigrationTables.verified { #expect(before[table.name, default: 0] > 0, "the fixture leaves \(table.name) empty") }

        let report = try await fixture.migrate()
        #expect(report.mismatches == [])
        #expect(report.checks.map(\.table) == MigrationTables.verified.map(\.name))
        #expect(report.checks.allSatisfy { $0.mode == .equal && $0.sourceRows == $0.targetRows && $0.sourceChecksum == $0.targetChecksum })
        #expect(try await fixture.targetCounts() == before)
        #expect(report.copiedRows == MigrationTables.copied.reduce(0) { $0 + before[$1.name, default: 0] })

        let sqlite = try SQLiteStore(path: fixture.databasePath)
        let postgres = try await PostgresStore.open(settings: fixture.target, logger: Logger(label: "test"))
        let expected = try await StoreAnswers.of(sqlite)
        let answered = try await StoreAnswers.of(postgres)
        #expect(expected.raw.count > 1000 && expected.rawResolution == 0, "the raw window reads the compacted chunks")
        #expect(answered == expected)
        try await sqlite.close()

        // Exactly once across the move: the edge's batches already stored are duplicates, the next one is new.
        let resent = IngestWrite(
            edge: (MigrationFixture.edge, fixture.lastSequence, "edge-sub003"),
            telemetry: [StoreTestData.Sample(ts: MigrationFixture.now, v: 231, f: 60).stored("SUB003")], arrival: MigrationFixture.now)
        #expect(try await postgres.commit([resent]) == [.duplicate])
        var next = resent
        next.edge?.seq = fixture.lastSequence + 1
        #expect(try await postgres.commit([next]) == [.stored])

        // The same password logs in, the copied session is still valid, the API key authenticates.
        let accounts = AccountService(
            store: postgres, settings: AccountFixtures.settings(), clock: AccountTestClock(MigrationFixture.now + 60_000).clock,
            logger: Logger(label: "test"))
        _ = try await accounts.login(email: "op@example.com", password: MigrationFixture.password, from: "192.0.2.10")
        #expect(try await accounts.authenticate(sessionID: fixture.sessionID)?.user.email.lowercased() == "op@example.com")
        let (id, secret) = try #require(APIKeyGenerator.parse(fixture.apiKey))
        let key = try #require(try await postgres.key(id: id))
        #expect(key.revokedAt == nil && APIKeyGenerator.matches(secret, digest: key.secretHash))

        // Identity sequences were moved past the copied ids: new rows get new ids.
        let lastAudit = try #require(expected.audit.compactMap(\.id).max())
        let appended = try await postgres.appendAudit(AuditEntry(at: MigrationFixture.now, actor: "cli", action: .keyCreate, target: "x"))
        #expect(try #require(appended.id) > lastAudit)
        let event = StoredEvent(ts: MigrationFixture.now, substationID: "SUB001", event: GridEvent(substationID: "SUB001", severity: "INFO", eventType: "BREAKER"))
        #expect(try await postgres.commit([IngestWrite(events: [event], arrival: MigrationFixture.now)]) == [.stored])
        // The old hub's lease stays behind.
        #expect(try await StoreTestData.count(postgres, "SELECT count(*) FROM job_leases") == 0)
        try await postgres.close()
    }

    @Test func aTargetHoldingRowsIsRefusedUnlessTheRunIsToldToAddToThem() async throws {
        let fixture = try await MigrationFixture.make()
        try await fixture.executeOnTarget(
            "INSERT INTO substations (substation_id, first_seen, last_seen) VALUES ('SUB900', 1, 2), ('SUB901', 1, 2)")
        await #expect(throws: MigrationError.nonEmptyTarget([.init(table: "substations", rows: 2)])) { try await fixture.migrate() }
        #expect(try await fixture.targetCounts()["telemetry_chunks"] == 0, "nothing was copied")

        let report = try await fixture.migrate(HubMigrator.Options(batchSize: 500, intoNonEmpty: true))
        #expect(report.mismatches == [])
        let substations = try #require(report.checks.first { $0.table == "substations" })
        #expect(substations.mode == .contains && substations.missingRows == 0 && substations.targetRows == substations.sourceRows + 2)
        #expect(report.checks.filter { $0.table != "substations" }.allSatisfy { $0.mode == .equal })
    }

    @Test func intoATargetWithUsersNoSessionIsCopiedAndTheUserWhoseIdIsTakenIsNamed() async throws {
        let fixture = try await MigrationFixture.make()
        try await fixture.executeOnTarget(
            """
            INSERT INTO users (email, name, role, substations, password_hash, created_at, updated_at)
            VALUES ('someone@else.example', 'Someone', 'admin', '*', 'x', 1, 1)
            """)
        let report = try await fixture.migrate(HubMigrator.Options(batchSize: 500, intoNonEmpty: true))
        // The target's user took id 1: the source's user 1 is not added, and named.
        #expect(report.mismatches == ["users"])
        #expect(report.checks.first { $0.table == "users" }?.missingRows == 1)
        // A copied session might have pointed at the target's user 1: none is copied.
        let sessions = try #require(report.checks.first { $0.table == "sessions" })
        #expect(sessions.mode == .notCopied && sessions.matches && sessions.targetRows == 0 && sessions.sourceRows == 1)
        #expect(try await fixture.targetCounts()["sessions"] == 0)
    }

    @Test func anInterruptedCopyResumesWhereItStoppedWithoutDuplicates() async throws {
        let fixture = try await MigrationFixture.make()
        let before = try await fixture.sourceCounts()
        // Batches of 3 rows, each run stopped after 5 batches: most runs stop inside a table.
        var runs = 0
        var copiedSoFar: [Int] = []
        var report: MigrationReport?
        while report == nil {
            runs += 1
            do {
                report = try await fixture.migrate(HubMigrator.Options(batchSize: 3, stopAfterBatches: 5))
            } catch MigrationError.interrupted(let batches) {
                #expect(batches == 5)
                let partial = try await fixture.targetCounts()
                for (table, rows) in partial { #expect(rows <= before[table, default: 0], "\(table) holds more rows than the source") }
                copiedSoFar.append(partial.values.reduce(0, +))
            }
            if runs >= 300 { Issue.record("still not done after \(runs) runs"); break }
        }
        #expect(runs > 5, "the copy was interrupted only \(runs - 1) times")
        #expect(copiedSoFar == copiedSoFar.sorted() && Set(copiedSoFar).count == copiedSoFar.count, "a run copied nothing new")
        #expect(report?.mismatches == [])
        #expect(try await fixture.targetCounts() == before)
        // A completed migration run again copies nothing and verifies again.
        let again = try await fixture.migrate()
        #expect(again.copies.isEmpty && again.mismatches == [])
    }

    @Test func aDamagedOrMissingRowOnTheTargetIsNamedByTheVerification() async throws {
        let fixture = try await MigrationFixture.make()
        #expect(try await fixture.migrate().mismatches == [])
        try await fixture.executeOnTarget(
            "UPDATE telemetry_chunks SET data = data || '\\x00'::bytea WHERE block_start = (SELECT min(block_start) FROM telemetry_chunks)")
        try await fixture.executeOnTarget("DELETE FROM events WHERE id = (SELECT max(id) FROM events)")
        let report = try await fixture.migrate(HubMigrator.Options(verifyOnly: true))
        #expect(report.mismatches == ["telemetry_chunks", "events"])
        let events = try #require(report.checks.first { $0.table == "events" })
        #expect(events.targetRows == events.sourceRows - 1)
        let chunks = try #require(report.checks.first { $0.table == "telemetry_chunks" })
        #expect(chunks.targetRows == chunks.sourceRows && chunks.targetChecksum != chunks.sourceChecksum)
    }
}
