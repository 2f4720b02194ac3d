import Foundation
import GRDB
import HopProtocol
import Testing

@testable import HopHub
#if canImport(HopHubCore)
@testable import HopHubCore
#endif
#if canImport(HopHubSQLite)
@testable import HopHubSQLite
#endif

/// The per-minute rollups' `last` columns. No query serves them yet, so these read the SQLite
/// table; another backend states the same rules for its own rollups.
@Suite struct SQLiteRollupLastTests {
    typealias Sample = StoreTestData.Sample
    let minute = StoreTestData.now - 3_600_000

    struct Last: Equatable {
        var v, i, p, f: Double?
        var ts: Int64
    }

    func last(_ store: SQLiteStore) async throws -> Last {
        try await store.pool.read { [minute] db in
            let row = try #require(try Row.fetchOne(
                db, sql: "SELECT v_last, i_last, p_last, f_last, last_ts FROM telemetry_1m WHERE substation_id = 'SUB001' AND minute = ?",
                arguments: [minute]))
            return Last(v: row["v_last"], i: row["i_last"], p: row["p_last"], f: row["f_last"], ts: row["last_ts"])
        }
    }

    func commit(_ store: SQLiteStore, _ samples: [Sample]) async throws {
        #expect(try await store.commit([IngestWrite(telemetry: samples.map { $0.stored() }, arrival: StoreTestData.now)]) == [.stored])
    }

    func makeStore() async throws -> SQLiteStore {
        try #require(try await StoreContractTests.makeStore(.sqlite) as? SQLiteStore)
    }

    @Test func aLateReadingWithAnOlderTimeDoesNotBecomeTheMinutesLast() async throws {
        let store = try await makeStore()
        try await commit(store, [Sample(ts: minute + 30_000, v: 231, i: 1_000, p: 300, f: 60.01)])
        try await commit(store, [Sample(ts: minute + 10_000, v: 229, i: 900, p: 290, f: 59.99)])
        #expect(try await last(store) == Last(v: 231, i: 1_000, p: 300, f: 60.01, ts: minute + 30_000))
        try await commit(store, [Sample(ts: minute + 40_000, v: 232, i: 1_010, p: 310, f: 60.02)])
        #expect(try await last(store) == Last(v: 232, i: 1_010, p: 310, f: 60.02, ts: minute + 40_000))
    }

    @Test func theNewestReadingInACommitIsLastWhateverItsPositionInTheBatch() async throws {
        let store = try await makeStore()
        try await commit(store, [
            Sample(ts: minute + 50_000, v: 235, f: 60.05), Sample(ts: minute + 20_000, v: 232, f: 60.02),
            Sample(ts: minute + 40_000, v: 234, f: 60.04),
        ])
        #expect(try await last(store) == Last(v: 235, i: nil, p: nil, f: 60.05, ts: minute + 50_000))
    }

    @Test func aReadingWithoutAQuantityLeavesThatQuantitysLastAlone() async throws {
        let store = try await makeStore()
        try await commit(store, [Sample(ts: minute + 10_000, v: 231, f: 60.01)])
        try await commit(store, [Sample(ts: minute + 20_000, f: 60.02)])  // newer, frequency only
        #expect(try await last(store) == Last(v: 231, i: nil, p: nil, f: 60.02, ts: minute + 20_000))
    }
}
