import ArgumentParser
import Foundation
import GRDB
import HopHub
import HopProtocol

/// `hop-hub-bench raw-insert`: the ceiling the HTTP path is compared with — the same readings
/// inserted with GRDB straight into the hub's schema, `batch` rows per transaction, no HTTP, no
/// JSON. Also times the hub store's own commit path (which adds rollups, latest values and
/// substation upserts) so the report shows where the time goes.
@main
struct RawInsertBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hop-hub-bench")

    @Option(help: "Readings to insert.") var readings = 1_000_000
    @Option(help: "Readings per transaction.") var batch = 1_000
    @Option(help: "Scratch directory (deleted first).") var dir = "/tmp/hop-bench-raw"
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Give every batch the same timestamps (as the wrk HTTP bench does).") var repeatTimestamps = false

    func run() async throws {
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let now = SourceTime.now().epochMilliseconds
        var rows: [StoredTelemetry] = []
        rows.reserveCapacity(readings)
        for i in 0..<readings {
            let reading = Telemetry(
                substationID: SubstationID("SUB\(100 + i % 20)"), feederID: FeederID("FDR\(100 + i % 4)"),
                voltageKV: 230 + Double(i % 7), currentA: 1000 + Double(i % 13), powerMW: 300 + Double(i % 11),
                frequencyHz: 60 + Double(i % 5) / 1000,
                ts: SourceTime(epochMilliseconds: repeatTimestamps ? now - 600_000 + Int64(i % batch) : now - Int64(readings - i) * 10))
            rows.append(StoredTelemetry(reading, arrival: now))
        }

        // 1. Raw GRDB: cached INSERT into the same table, same PRAGMAs, `batch` rows per transaction.
        let raw = try SQLiteStore(path: dir + "/raw.sqlite")
        let rawSeconds = try await time {
            for chunk in stride(from: 0, to: rows.count, by: batch) {
                let slice = rows[chunk..<min(chunk + batch, rows.count)]
                try await raw.pool.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO telemetry VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
                    for t in slice {
                        insert.setUncheckedArguments([
                            t.ts, t.substationID.rawValue, t.feederID, t.deviceID, t.siteName, t.latitude, t.longitude,
                            t.values.voltageKV, t.values.currentA, t.values.powerMW, t.values.frequencyHz, now,
                        ])
                        try insert.execute()
                    }
                }
            }
        }

        // 2. The hub's store commit (raw rows + per-minute rollups + latest + substations).
        let store = try SQLiteStore(path: dir + "/store.sqlite")
        let storeSeconds = try await time {
            for chunk in stride(from: 0, to: rows.count, by: batch) {
                _ = try await store.commit([IngestWrite(telemetry: Array(rows[chunk..<min(chunk + batch, rows.count)]), arrival: now)])
            }
        }
        let rawRate = Double(readings) / rawSeconds
        let storeRate = Double(readings) / storeSeconds
        if json {
            print(#"{"readings":\#(readings),"batch":\#(batch),"raw_grdb_readings_per_s":\#(Int(rawRate)),"store_commit_readings_per_s":\#(Int(storeRate))}"#)
        } else {
            print("raw GRDB insert:    \(Int(rawRate)) readings/s  (\(readings) readings, \(batch) per transaction, \(String(format: "%.2f", rawSeconds)) s)")
            print("hub store commit:   \(Int(storeRate)) readings/s  (adds rollups, latest, substations; \(String(format: "%.2f", storeSeconds)) s)")
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    func time(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
