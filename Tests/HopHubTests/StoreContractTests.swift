import Foundation
import GRDB
import HTTPTypes
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubPostgres
@testable import HopHubSQLite

/// The contract every store backend must meet, run on each: SQLite in a temporary file,
/// PostgreSQL in a fresh database of the test process's throwaway cluster (`PostgresTestCluster`).
@Suite struct StoreContractTests {
    enum Backend: String, CaseIterable, Sendable {
        case sqlite, postgres

        /// Both, unless `HOP_SKIP_POSTGRES=1` leaves PostgreSQL out on purpose (scripts/test never does).
        static var allCases: [Backend] {
            ProcessInfo.processInfo.environment["HOP_SKIP_POSTGRES"] == "1" ? [.sqlite] : [.sqlite, .postgres]
        }
    }

    static func makeStore(_ backend: Backend) async throws -> any HubStore {
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-store-\(UUID().uuidString)").path
            return try Hub.openStore(HubConfiguration(dataDirectory: dir))
        case .postgres:
            return try await PostgresTestCluster.shared.freshStore()
        }
    }

    @Test(arguments: Backend.allCases)
    func aStoreAnswersPingAndReportsItsSize(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        try await store.ping()
        #expect(try await store.databaseSizeBytes() > 0)
        try await store.close()
        await #expect(throws: (any Error).self) { try await store.ping() }
    }

    static func reading(_ sub: String, feeder: String = "FDR001", ts: Int64, f: Double = 60) -> StoredTelemetry {
        StoredTelemetry(Telemetry(substationID: SubstationID(sub), feederID: FeederID(feeder), voltageKV: 230, frequencyHz: f, ts: SourceTime(epochMilliseconds: ts)), arrival: ts)
    }

    @Test(arguments: Backend.allCases)
    func batchSequenceIsAHighWaterMark(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        let now = SourceTime.now().epochMilliseconds
        func batch(_ seq: Int64) -> IngestWrite {
            IngestWrite(edge: (EdgeID("e1"), seq, "k"), telemetry: [Self.reading("SUB001", ts: now - 1000 + seq)], arrival: now)
        }
        #expect(try await store.commit([batch(1), batch(2), batch(2), batch(1), batch(5)]) == [.stored, .stored, .duplicate, .duplicate, .stored])
        #expect(try await store.commit([batch(3)]) == [.duplicate])
        let series = try await store.timeSeries(substation: "SUB001", window: SeriesWindow(from: now - 60_000, to: now, maxPoints: 1000))
        #expect(series.points.count == 3)
        #expect(try await store.edges(scope: .all).first?.lastSeq == 5)
    }

    @Test(arguments: Backend.allCases)
    func aLaterBatchRewritingAReadingInTheHeadReplacesIt(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        let now = SourceTime.now().epochMilliseconds
        let ts = now - 10_000
        func batch(_ seq: Int64, _ readings: [StoredTelemetry]) -> IngestWrite {
            IngestWrite(edge: (EdgeID("e1"), seq, "k"), telemetry: readings, arrival: now)
        }
        #expect(try await store.commit([batch(1, [Self.reading("SUB001", ts: ts, f: 60), Self.reading("SUB001", ts: ts + 1000, f: 60)])]) == [.stored])
        // One group: a batch rewriting a head reading beside a new one, then a write of new readings only.
        let rewrite = batch(2, [Self.reading("SUB001", ts: ts + 2000, f: 60.2), Self.reading("SUB001", ts: ts, f: 59.5)])
        let fresh = IngestWrite(telemetry: [Self.reading("SUB001", ts: ts + 3000, f: 60.3)], arrival: now)
        #expect(try await store.commit([rewrite, fresh]) == [.stored, .stored])
        #expect(try await store.commit([batch(2, [Self.reading("SUB001", ts: ts, f: 58)])]) == [.duplicate])
        let series = try await store.timeSeries(substation: "SUB001", window: SeriesWindow(from: now - 60_000, to: now, maxPoints: 1000))
        #expect(series.points.map(\.frequencyHz) == [59.5, 60, 60.2, 60.3], "one reading per source time, the later write's")
        #expect(try await store.edges(scope: .all).first?.lastSeq == 2)
    }

    @Test(arguments: Backend.allCases)
    func aConflictRollsBackOnlyItsOwnWrite(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        let now = SourceTime.now().epochMilliseconds
        let own = IngestWrite(outages: [StoredOutage(ts: now, substationID: "SUB001", outage: Outage(outageID: "O1", status: "ACTIVE"))], arrival: now)
        let hijack = IngestWrite(
            telemetry: [Self.reading("SUB002", ts: now)],
            outages: [StoredOutage(ts: now, substationID: "SUB002", outage: Outage(outageID: "O1", status: "RESOLVED"))], arrival: now)
        let fine = IngestWrite(telemetry: [Self.reading("SUB003", ts: now)], arrival: now)
        let outcomes = try await store.commit([own, hijack, fine])
        #expect(outcomes[0] == .stored && outcomes[2] == .stored)
        guard case .conflict = outcomes[1] else { Issue.record("expected a conflict"); return }
        #expect(try await store.substations(scope: .all, activeSince: 0).map(\.substationID) == ["SUB003"])
        #expect(try await store.activeOutages(scope: .all).count == 1)
    }

    @Test(arguments: Backend.allCases)
    func outageUpdatesApplyInSourceTimeOrder(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        let now = SourceTime.now().epochMilliseconds
        func outage(_ status: String, ts: Int64, customers: Int?) -> IngestWrite {
            IngestWrite(outages: [StoredOutage(ts: ts, substationID: "SUB001", outage: Outage(outageID: "O1", customersOut: customers, status: status))], arrival: now)
        }
        _ = try await store.commit([outage("ACTIVE", ts: now - 100, customers: 50)])
        _ = try await store.commit([outage("RESOLVED", ts: now - 200, customers: nil)])  // older: ignored
        #expect(try await store.activeOutages(scope: .all).first?.outage.customersOut == 50)
        _ = try await store.commit([outage("RESOLVED", ts: now, customers: nil)])
        #expect(try await store.activeOutages(scope: .all).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func rollupsMatchTheRawReadings(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        let minute = (SourceTime.now().epochMilliseconds / 60_000 - 30) * 60_000
        let values = [59.9, 60.1, 60.0, 60.05]
        // Split across two commits to exercise the upsert merge.
        _ = try await store.commit([IngestWrite(telemetry: values.prefix(2).enumerated().map { Self.reading("SUB001", ts: minute + Int64($0.offset) * 1000, f: $0.element) }, arrival: minute)])
        _ = try await store.commit([IngestWrite(telemetry: values.suffix(2).enumerated().map { Self.reading("SUB001", ts: minute + Int64($0.offset + 2) * 1000, f: $0.element) }, arrival: minute)])
        let window = SeriesWindow(from: minute, to: minute + 59_999, maxPoints: 1)
        let series = try await store.timeSeries(substation: "SUB001", window: window)
        #expect(series.resolutionSeconds == 60)
        let point = try #require(series.points.first)
        #expect(abs((point.frequencyHz ?? 0) - values.reduce(0, +) / 4) < 1e-9)
        #expect(point.min?.frequencyHz == 59.9 && point.max?.frequencyHz == 60.1)
    }

    @Test(arguments: Backend.allCases)
    func retentionRemovesOnlyExpiredData(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        let now = SourceTime.now().epochMilliseconds
        let old = now - 40 * 86_400_000
        _ = try await store.commit([IngestWrite(telemetry: [Self.reading("SUB001", ts: old), Self.reading("SUB001", ts: now)], arrival: now)])
        let report = try await store.applyRetention(rawBefore: now - 30 * 86_400_000, rollupBefore: now - 400 * 86_400_000, eventsBefore: 0, scoresBefore: 0)
        #expect(report.telemetry == 1)
        let series = try await store.timeSeries(substation: "SUB001", window: SeriesWindow(from: old - 1, to: now, maxPoints: 100_000, rawFrom: now - 30 * 86_400_000))
        #expect(series.resolutionSeconds > 0)  // 40 days exceed the raw budget; rollups still hold the old minute
        #expect(series.points.count == 2)
    }

    @Test(arguments: Backend.allCases)
    func keysAreStoredHashedAndRevocable(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        let admin = APIKeyAdmin(store: store)
        let key = try await admin.create(name: "edge-1", scopes: [.ingest], substations: .only(["SUB001"]))
        let parts = try #require(APIKeyGenerator.parse(key))
        let record = try #require(try await store.key(id: parts.id))
        #expect(record.secretHash != parts.secret && !record.secretHash.contains(parts.secret))
        #expect(APIKeyGenerator.matches(parts.secret, digest: record.secretHash))
        await #expect(throws: APIKeyAdmin.Failure.self) { try await admin.create(name: "edge-1", scopes: [.read], substations: .all) }
        #expect(try await admin.revoke(name: "edge-1"))
        #expect(try await store.key(id: parts.id)?.revokedAt != nil)
        #expect(try await admin.revoke(name: "edge-1") == false)
    }
}
