import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The scorer's reads and writes, the lease between processes, and a full pass.
@Suite struct ScoringStoreTests {
    static func reading(_ sub: String, feeder: String = "FDR001", ts: Int64, f: Double) -> StoredTelemetry {
        StoredTelemetry(
            Telemetry(substationID: SubstationID(sub), feederID: FeederID(feeder), frequencyHz: f, ts: SourceTime(epochMilliseconds: ts)),
            arrival: ts)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func feedersOfOneSubstationAreAveragedPerTimestamp(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let t0: Int64 = 1_800_000_000_000
        var rows: [StoredTelemetry] = []
        for i in 0..<25 {
            rows.append(Self.reading("SUB001", feeder: "FDR001", ts: t0 + Int64(i) * 1000, f: 59.9))
            rows.append(Self.reading("SUB001", feeder: "FDR002", ts: t0 + Int64(i) * 1000, f: 60.1))
        }
        rows.append(Self.reading("SUB002", ts: t0, f: 60))  // stale: older than freshSince
        _ = try await store.commit([IngestWrite(telemetry: rows, arrival: t0)])
        let windows = try await store.frequencyWindows(size: 20, freshSince: t0 + 10_000)
        #expect(windows.map(\.substationID) == ["SUB001"])
        let w = try #require(windows.first)
        #expect(w.readings.count == 20 && w.latestTs == t0 + 24_000)
        #expect(w.readings.allSatisfy { abs($0 - 60) < 1e-9 })
    }

    /// Large fleets are read in parallel chunks; the answer is still complete and in order.
    @Test(arguments: StoreContractTests.Backend.allCases)
    func largeFleetsAreReadCompletelyInOrder(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let t0: Int64 = 1_800_000_000_000
        let rows = (0..<2500).flatMap { n in
            (0..<3).map { r in Self.reading(String(format: "S%05d", n), ts: t0 + Int64(r) * 1000, f: 60 + Double(n % 7) / 100) }
        }
        _ = try await store.commit([IngestWrite(telemetry: rows, arrival: t0)])
        let windows = try await store.frequencyWindows(size: 3, freshSince: t0)
        #expect(windows.map(\.substationID.rawValue) == (0..<2500).map { String(format: "S%05d", $0) })
        #expect(windows.allSatisfy { $0.readings.count == 3 && $0.latestTs == t0 + 2000 })
        #expect(abs(windows[2499].readings[0] - (60 + Double(2499 % 7) / 100)) < 1e-9)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func leaseIsHeldByOneProcessUntilItExpires(_ backend: StoreContractTests.Backend) async throws {
        let database = try await TestDatabase.fresh(backend)
        let a = try await database.open()
        let b = try await database.open()
        #expect(try await a.acquireLease("scorer", holder: "A", now: 1000, ttlMs: 120_000))
        #expect(try await !b.acquireLease("scorer", holder: "B", now: 2000, ttlMs: 120_000))
        #expect(try await a.acquireLease("scorer", holder: "A", now: 60_000, ttlMs: 120_000))  // renewal
        #expect(try await !b.acquireLease("scorer", holder: "B", now: 179_999, ttlMs: 120_000))
        #expect(try await b.acquireLease("scorer", holder: "B", now: 180_000, ttlMs: 120_000))  // A expired
        #expect(try await !a.acquireLease("scorer", holder: "A", now: 180_001, ttlMs: 120_000))
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func exactlyOneOfTwoProcessesScores(_ backend: StoreContractTests.Backend) async throws {
        let database = try await TestDatabase.fresh(backend)
        let clock = TestClock()
        let a = try await database.open()
        let b = try await database.open()
        let rows = (0..<20).map { i in Self.reading("SUB001", ts: clock.now - 20_000 + Int64(i) * 1000, f: i == 19 ? 62 : 60) }
        _ = try await a.commit([IngestWrite(telemetry: rows, arrival: clock.now)])
        let logger = Logger(label: "test")
        let sa = ScoringService(store: a, settings: ScoringSettings(), holder: "A", alerts: nil, now: clock.closure, logger: logger)
        let sb = ScoringService(store: b, settings: ScoringSettings(), holder: "B", alerts: nil, now: clock.closure, logger: logger)
        let first = try #require(await sa.runOnce())
        #expect(await sb.runOnce() == nil)
        #expect(first.count == 1 && first[0].result.isAnomaly)
        let latest = try await b.latestScores(scope: .all)
        #expect(latest.count == 1)
        let s = try #require(latest.first)
        #expect(s.modelVersion == "zscore-v1" && s.classification == "ANOMALY" && s.isAnomaly)
        #expect(abs(s.zScore - 19.0.squareRoot()) < 1e-9 && abs(s.baselineMean - 60.1) < 1e-9 && s.latestValue == 62)
        #expect(s.time.epochMilliseconds == clock.now)
    }

    @Test(arguments: StoreContractTests.Backend.allCases)
    func substationsWithFewerThanNReadingsAreSkipped(_ backend: StoreContractTests.Backend) async throws {
        let store = try await TestDatabase.store(backend)
        let clock = TestClock()
        let rows = (0..<19).map { i in Self.reading("SUB001", ts: clock.now - Int64(i) * 1000, f: 60) }
        _ = try await store.commit([IngestWrite(telemetry: rows, arrival: clock.now)])
        let service = ScoringService(
            store: store, settings: ScoringSettings(), holder: "A", alerts: nil, now: clock.closure, logger: Logger(label: "test"))
        #expect(await service.runOnce() == [])
        #expect(try await store.latestScores(scope: .all).isEmpty)
    }
}
