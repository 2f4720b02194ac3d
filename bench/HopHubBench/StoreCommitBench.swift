import ArgumentParser
import Foundation
import GRDB
import HopHub
import HopProtocol
#if canImport(HopHubCore)
import HopHubCore
#endif
#if canImport(HopHubSQLite)
import HopHubSQLite
#endif

/// `hop-hub-bench`: the ceiling the HTTP batch path is compared with (bench/hub-ingest).
///
/// It stores the readings bench/hub-batch.lua sends — the same edges, sequence numbers, source
/// times and values (wrk leaves out one sequence number per edge at its start; these do not), `--readings` of them in 1,000-reading edge batches taken round-robin from
/// `--edges` edges — through the hub store's own commit (`SQLiteStore.commit`): raw rows, per-minute
/// rollups, latest values, substations and the edge's high-water mark, `--writes-per-commit` batches
/// per transaction (the HTTP run's average group commit; a fraction alternates between the two
/// neighbouring whole sizes so the mean matches). What the HTTP path adds on top and this does not:
/// HTTP, JSON decoding, validation, authorization, the writer's queue and the live-feed hand-off.
///
/// Second, for information only: the same rows inserted into `telemetry` alone (no rollups,
/// latest, substations or edges), same transactions — what the derived tables cost.
///
/// Both rates are counted from the database afterwards (`SELECT count(*) FROM telemetry`).
@main
struct StoreCommitBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hop-hub-bench")

    @Option(help: "Readings to store (a multiple of 1,000: whole edge batches).") var readings = 100_000
    @Option(help: "Concurrent edges whose batches are interleaved, as wrk's threads are.") var edges = 4
    @Option(help: "Edge batches per transaction (may be fractional: the HTTP run's average group commit).")
    var writesPerCommit = 1.0
    @Option(help: "Scratch directory (deleted first and afterwards).") var dir = "/tmp/hop-bench-store"

    static let batchSize = 1_000

    func validate() throws {
        guard readings > 0, readings % Self.batchSize == 0 else { throw ValidationError("--readings must be a positive multiple of 1000") }
        guard edges > 0 else { throw ValidationError("--edges must be positive") }
        guard writesPerCommit >= 1 else { throw ValidationError("--writes-per-commit must be at least 1") }
    }

    func run() async throws {
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let writes = Self.batches(count: readings / Self.batchSize, edges: edges)
        let groups = Self.groups(writes, average: writesPerCommit)

        let store = try SQLiteStore(path: dir + "/store.sqlite")
        let storeSeconds = try await Self.time {
            for group in groups {
                let outcomes = try await store.commit(group)
                guard outcomes.allSatisfy({ $0 == .stored }) else { throw ValidationError("store commit: not every batch was stored: \(outcomes)") }
            }
        }
        let storeCount = try await Self.storedReadings(store)

        let raw = try SQLiteStore(path: dir + "/raw.sqlite")
        let rawSeconds = try await Self.time {
            for group in groups {
                try await raw.pool.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO telemetry VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
                    for write in group {
                        for t in write.telemetry {
                            insert.setUncheckedArguments([
                                t.ts, t.substationID.rawValue, t.feederID, t.deviceID, t.siteName, t.latitude, t.longitude,
                                t.values.voltageKV, t.values.currentA, t.values.powerMW, t.values.frequencyHz, write.arrival,
                            ])
                            try insert.execute()
                        }
                    }
                }
            }
        }
        let rawCount = try await Self.storedReadings(raw)
        guard storeCount == readings, rawCount == readings else {
            throw ValidationError("expected \(readings) stored readings, found \(storeCount) (store commit) and \(rawCount) (raw rows)")
        }

        let mean = Double(writes.count) / Double(groups.count)
        print(String(
            format: "store commit, no HTTP:  %.0f readings/s  (%d readings stored, %d batches of 1,000 from %d edges, %d transactions of %.2f batches on average, %.2f s)",
            Double(storeCount) / storeSeconds, storeCount, writes.count, edges, groups.count, mean, storeSeconds))
        print(String(
            format: "  for information, telemetry rows only (no rollups/latest/substations/edges), same transactions: %.0f readings/s (%.2f s)",
            Double(rawCount) / rawSeconds, rawSeconds))
    }

    /// The batches bench/hub-batch.lua's threads send (edge `e` = thread `e`: base time one hour
    /// ago plus `e` × 100 ms, batch `seq` starts `seq` s later, reading `i` 1 ms after the previous),
    /// interleaved round-robin.
    static func batches(count: Int, edges: Int) -> [IngestWrite] {
        let now = SourceTime.now().epochMilliseconds
        let run = now / 1000
        var result: [IngestWrite] = []
        result.reserveCapacity(count)
        for n in 0..<count {
            let e = n % edges + 1
            let seq = Int64(n / edges + 1)
            let start = now - 3_600_000 + Int64(e) * 100 + seq * 1000
            var readings: [StoredTelemetry] = []
            readings.reserveCapacity(batchSize)
            for i in 0..<batchSize {
                let voltage: Double = 230 + Double(i % 7)
                let current: Double = 1000 + Double(i % 13)
                let power: Double = 300 + Double(i % 11)
                let frequency: Double = 60 + Double(i % 5) / 1000
                let ts = SourceTime(epochMilliseconds: start + Int64(i) + 1)
                let reading = Telemetry(
                    substationID: SubstationID(String(format: "SUB%03d", i % 20 + 1)),
                    feederID: FeederID(String(format: "FDR%03d", i % 4 + 1)),
                    voltageKV: voltage, currentA: current, powerMW: power, frequencyHz: frequency, ts: ts)
                readings.append(StoredTelemetry(reading, arrival: now))
            }
            result.append(IngestWrite(edge: (EdgeID("bench-\(run)-\(e)"), seq, "bench"), telemetry: readings, arrival: now))
        }
        return result
    }

    /// Consecutive groups whose sizes average `average`: after k groups, round(k × average) writes.
    static func groups(_ writes: [IngestWrite], average: Double) -> [[IngestWrite]] {
        var groups: [[IngestWrite]] = []
        var taken = 0
        while taken < writes.count {
            let end = min(writes.count, max(taken + 1, Int((Double(groups.count + 1) * average).rounded())))
            groups.append(Array(writes[taken..<end]))
            taken = end
        }
        return groups
    }

    static func storedReadings(_ store: SQLiteStore) async throws -> Int {
        try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM telemetry") ?? 0 }
    }

    static func time(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
