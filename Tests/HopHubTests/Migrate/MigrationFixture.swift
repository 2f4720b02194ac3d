import Foundation
import GRDB
import HopProtocol
import Logging
import PostgresNIO
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubPostgres
@testable import HopHubSQLite

/// A stopped SQLite hub's data directory with rows in every table `hop-hub migrate` copies, all
/// written through the store's own APIs (ingest with an edge's batch sequence, compaction into
/// chunks, scores, alert decisions and mail, alarms, accounts, a login, keys, audit), and the
/// PostgreSQL database it is migrated into.
struct MigrationFixture: Sendable {
    static let now = StoreTestData.now
    static let minute = StoreTestData.minute
    static let password = AccountFixtures.password
    static let edge = EdgeID("edge-sub003")

    /// The data directory and its database file.
    let directory: String
    var databasePath: String { directory + "/hop.sqlite" }
    /// The API key created on the source (the whole key, as an edge holds it).
    let apiKey: String
    /// A session opened on the source, as the browser's cookie holds it.
    let sessionID: String
    /// The last batch sequence the edge sent.
    let lastSequence: Int64
    /// The target database (empty, migrated schema).
    let target: PostgresSettings

    /// Writes the source and prepares an empty target.
    static func make() async throws -> MigrationFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hop-migrate-\(UUID().uuidString)").path
        let store = try Hub.openStore(HubConfiguration(dataDirectory: directory))
        let cut = RetentionContractTests.cutoffs(now)
        // Readings, rollups, events, outages, scores (and their peaks), alert decisions and mail.
        try await RetentionContractTests.populate(store, cut, now: now)
        let lastSequence = try await ingestHistory(store)
        let compacted = try await store.compact(before: now - 30 * minute, maxChunks: 10_000, openBlockDelayMs: 0)
        #expect(compacted.chunks > 0 && compacted.readings > 0, "\(compacted)")

        let clock = AccountTestClock(now)
        let accounts = AccountService(store: store, settings: AccountFixtures.settings(), clock: clock.clock, logger: Logger(label: "test"))
        try await accounts.create(
            NewUser(email: "Op@Example.com", name: "Op", role: .operator, substations: .only(["SUB001"]), password: password), by: .cli)
        try await accounts.create(NewUser(email: "admin@example.com", name: "Admin", role: .admin, substations: nil, password: password), by: .cli)
        let login = try await accounts.login(email: "op@example.com", password: password, from: "192.0.2.10")
        _ = try? await accounts.login(email: "admin@example.com", password: "wrong", from: "192.0.2.11")
        let denied = AuditActor(name: "key:reader").entry(.adminDenied, target: "GET /api/admin/users", outcome: .denied, detail: "d", at: now)
        #expect(try await store.appendThrottledAudit(denied, key: "key:reader", windowMs: 60_000))
        let apiKey = try await APIKeyAdmin(store: store).create(name: "edge-sub003", scopes: [.ingest, .read], substations: .all)
        _ = try await APIKeyAdmin(store: store).create(name: "retired", scopes: [.read], substations: .only(["SUB001"]))
        #expect(try await APIKeyAdmin(store: store).revoke(name: "retired"))

        let alarms = AlarmEngine(store: store, settings: AlarmSettings(), now: { now }, logger: Logger(label: "test"))
        await alarms.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR001", ts: now - 5 * minute)])
        await alarms.eventsStored([AlertFixtures.event("FEEDER_TRIP", feeder: "FDR002", ts: now - 4 * minute)])
        await alarms.eventsStored([AlertFixtures.event("FEEDER_RESTORE", feeder: "FDR002", severity: "INFO", ts: now - 3 * minute)])
        // A trip and an anomaly the old hub stored but did not decide: their pending rows move too.
        #expect(try await store.commit([PendingAlertContractTests.tripBatch(feeder: "FDR004", at: now - 2 * minute)]) == [.stored])
        try await store.writeScores([PendingAlertContractTests.score("SUB002", at: now - 2 * minute, z: 4.5)])
        // A lease of the old hub: not copied (the new hub takes its own).
        #expect(try await store.acquireLease("scorer", holder: "old-hub", now: now, ttlMs: 60_000))
        try await store.close()

        return MigrationFixture(
            directory: directory, apiKey: apiKey, sessionID: login.sessionID, lastSequence: lastSequence,
            target: try await PostgresTestCluster.shared.freshDatabase())
    }

    /// Three hours of readings of SUB003 (two feeders, one every 10 s) four hours before `now`, sent
    /// by an edge in batches of 60 with increasing sequence numbers. Returns the last sequence.
    static func ingestHistory(_ store: any HubStore) async throws -> Int64 {
        let start = now - 4 * 60 * minute
        var samples: [StoredTelemetry] = []
        for step in 0..<(3 * 360) {
            let ts = start + Int64(step) * 10_000
            for feeder in ["FDR001", "FDR002"] {
                let v = 230 + Double(step % 17) * 0.25
                samples.append(
                    StoreTestData.Sample(ts: ts, feeder: feeder, v: v, i: 100 + Double(step % 7), p: 12.5, f: 60 + Double(step % 5) / 100)
                        .stored("SUB003", site: "Riverside"))
            }
        }
        var sequence: Int64 = 0
        for batch in stride(from: 0, to: samples.count, by: 60) {
            sequence += 1
            let write = IngestWrite(
                edge: (edge, sequence, "edge-sub003"), telemetry: Array(samples[batch..<min(batch + 60, samples.count)]), arrival: now)
            #expect(try await store.commit([write]) == [.stored])
        }
        return sequence
    }

    /// Opens the source read-only and the target, as `hop-hub migrate` does.
    func endpoints() async throws -> (SQLiteMigrationSource, PostgresMigrationTarget) {
        let store = try await PostgresStore.open(settings: target, logger: Logger(label: "test"))
        return (try SQLiteMigrationSource(path: databasePath), PostgresMigrationTarget(store: store, logger: Logger(label: "test")))
    }

    /// Runs one migration with `options` and closes both sides.
    func migrate(_ options: HubMigrator.Options = HubMigrator.Options(batchSize: 500)) async throws -> MigrationReport {
        let (source, target) = try await endpoints()
        do {
            let report = try await HubMigrator(source: source, target: target, options: options).run()
            try await source.close()
            try await target.close()
            return report
        } catch {
            try? await source.close()
            try? await target.close()
            throw error
        }
    }

    /// Rows of every copied and derived table in the source.
    func sourceCounts() async throws -> [String: Int] {
        let queue = try DatabaseQueue(path: databasePath, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? queue.close() }
        return try await queue.read { db in
            var counts: [String: Int] = [:]
            for table in MigrationTables.verified { counts[table.name] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0 }
            return counts
        }
    }

    /// Rows of every copied and derived table in the target.
    func targetCounts() async throws -> [String: Int] {
        let store = try await PostgresStore.open(settings: target, logger: Logger(label: "test"))
        var counts: [String: Int] = [:]
        for table in MigrationTables.verified { counts[table.name] = try await StoreTestData.count(store, "SELECT count(*) FROM \(table.name)") }
        try await store.close()
        return counts
    }

    /// Runs literal SQL on the target (damaging or adding a row on purpose).
    func executeOnTarget(_ sql: String) async throws {
        let store = try await PostgresStore.open(settings: target, logger: Logger(label: "test"))
        try await store.client.query(PostgresQuery(unsafeSQL: sql))
        try await store.close()
    }
}
