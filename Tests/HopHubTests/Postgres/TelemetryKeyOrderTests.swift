import HopProtocol
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// The head rows of a write reach PostgreSQL in the head's key order (substation, source time,
/// feeder), whatever order the batch had, every row kept once.
@Suite struct TelemetryKeyOrderTests {
    static func row(_ substation: String, _ ts: Int64, _ feeder: String, volts: Double) -> StoredTelemetry {
        StoredTelemetry(
            Telemetry(substationID: SubstationID(substation), feederID: feeder.isEmpty ? nil : FeederID(feeder), voltageKV: volts,
                      ts: SourceTime(epochMilliseconds: ts)), arrival: 0)
    }

    @Test func aShuffledWriteComesOutInKeyOrderWithEveryRow() {
        var rows: [StoredTelemetry] = []
        var volts = 0.0
        for ts in [3_000, 1_000, 2_000] as [Int64] {
            for substation in ["SUB010", "SUB002", "SUB9"] {
                for feeder in ["FDR2", "", "FDR10"] {
                    volts += 1
                    rows.append(Self.row(substation, ts, feeder, volts: volts))
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        rows.shuffle(using: &rng)
        let sorted = TelemetryKeyOrder.sorted(rows)
        let key = { (r: StoredTelemetry) in "\(r.substationID.rawValue)|\(r.ts)|\(r.feederID)" }
        #expect(sorted.map(key) == rows.sorted { ($0.substationID.rawValue, $0.ts, $0.feederID) < ($1.substationID.rawValue, $1.ts, $1.feederID) }.map(key))
        #expect(Set(sorted) == Set(rows) && sorted.count == rows.count, "every row once, values kept")
        #expect(TelemetryKeyOrder.sorted(sorted) == sorted, "rows already in order come back as they are")
        #expect(TelemetryKeyOrder.sorted([rows[0]]) == [rows[0]])
    }
}
