import Foundation
import GRDB
import HopProtocol
import PostgresNIO
import Testing

@testable import HopHub
#if canImport(HopHubCore)
@testable import HopHubCore
#endif
#if canImport(HopHubSQLite)
@testable import HopHubSQLite
#endif
@testable import HopHubPostgres

/// Readings and expected aggregates for the store's rollup and retention tests. Expected values are
/// computed here from the readings themselves, never read back from the store.
enum StoreTestData {
    /// A fixed instant (2025-10-09T08:00:00Z, a whole hour): store tests do not depend on the wall clock.
    static let now: Int64 = 1_759_996_800_000
    static let minute: Int64 = 60_000
    static let day: Int64 = 86_400_000

    /// One reading; any quantity may be missing.
    struct Sample: Sendable {
        var ts: Int64
        var feeder = "FDR001"
        var v: Double?
        var i: Double?
        var p: Double?
        var f: Double?

        func stored(_ substation: String = "SUB001", site: String? = nil) -> StoredTelemetry {
            StoredTelemetry(
                Telemetry(
                    substationID: SubstationID(substation), feederID: FeederID(feeder), siteName: site, voltageKV: v,
                    currentA: i, powerMW: p, frequencyHz: f, ts: SourceTime(epochMilliseconds: ts)),
                arrival: ts)
        }
    }

    /// Average (total over count, every reading weighing the same), minimum and maximum of one quantity.
    struct Aggregate: Equatable, CustomStringConvertible {
        var average: Double
        var min: Double
        var max: Double

        init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            average = values.reduce(0, +) / Double(values.count)
            min = values.min()!
            max = values.max()!
        }

        var description: String { "avg \(average) min \(min) max \(max)" }
    }

    /// What a bucket point must hold, per quantity (nil: no reading of that quantity in the bucket).
    struct ExpectedPoint {
        var v, i, p, f: Aggregate?

        init(_ samples: [Sample]) {
            v = Aggregate(samples.compactMap(\.v))
            i = Aggregate(samples.compactMap(\.i))
            p = Aggregate(samples.compactMap(\.p))
            f = Aggregate(samples.compactMap(\.f))
        }
    }

    struct BucketKey: Hashable, Comparable {
        var start: Int64
        var feeder: String
        static func < (a: Self, b: Self) -> Bool { (a.start, a.feeder) < (b.start, b.feeder) }
    }

    /// Groups samples into buckets of `width` ms aligned on multiples of `width` since the epoch.
    static func buckets(_ samples: [Sample], width: Int64) -> [BucketKey: ExpectedPoint] {
        Dictionary(grouping: samples) { BucketKey(start: $0.ts / width * width, feeder: $0.feeder) }.mapValues(ExpectedPoint.init)
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return abs(a - b) <= 1e-9 * Swift.max(1, abs(a), abs(b))
        default: return false
        }
    }

    /// Records an issue for every quantity of `point` that differs from `expected`.
    static func check(_ point: TimeSeriesPoint, against expected: ExpectedPoint, sourceLocation: SourceLocation = #_sourceLocation) {
        let quantities: [(String, Double?, Double?, Double?, Aggregate?)] = [
            ("voltage_kv", point.voltageKV, point.min?.voltageKV, point.max?.voltageKV, expected.v),
            ("current_a", point.currentA, point.min?.currentA, point.max?.currentA, expected.i),
            ("power_mw", point.powerMW, point.min?.powerMW, point.max?.powerMW, expected.p),
            ("frequency_hz", point.frequencyHz, point.min?.frequencyHz, point.max?.frequencyHz, expected.f),
        ]
        let at = "bucket \(point.time.epochMilliseconds) \(point.feederID?.rawValue ?? "-")"
        for (name, average, min, max, want) in quantities {
            #expect(close(average, want?.average), "\(at) \(name) average: got \(String(describing: average)), want \(String(describing: want?.average))", sourceLocation: sourceLocation)
            #expect(close(min, want?.min), "\(at) \(name) min: got \(String(describing: min)), want \(String(describing: want?.min))", sourceLocation: sourceLocation)
            #expect(close(max, want?.max), "\(at) \(name) max: got \(String(describing: max)), want \(String(describing: want?.max))", sourceLocation: sourceLocation)
        }
    }

    /// Rows of a table that no store protocol exposes (resolved outages, delivered mail, the rollups'
    /// `last` columns). Backend-specific by nature: a new backend adds its own case.
    static func count(_ store: any HubStore, _ sql: String, _ arguments: StatementArguments = []) async throws -> Int {
        if let postgres = store as? PostgresStore {
            #expect(arguments.isEmpty, "PostgreSQL row inspection takes literal SQL")
            for try await n in try await postgres.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return Int(n) }
            return 0
        }
        let sqlite = try #require(store as? SQLiteStore, "no row inspection for \(type(of: store))")
        return try await sqlite.pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// Runs a statement that no store protocol offers (damaging a row on purpose), in each backend's dialect.
    static func execute(_ store: any HubStore, sqlite: String, postgres: String) async throws {
        if let pg = store as? PostgresStore {
            try await pg.client.query(PostgresQuery(unsafeSQL: postgres))
            return
        }
        let db = try #require(store as? SQLiteStore, "no statements for \(type(of: store))")
        try await db.pool.write { db in try db.execute(sql: sqlite) }
    }
}
