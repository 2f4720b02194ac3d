import HopProtocol
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// A write's readings become head rows (one per substation, chunk block and feeder), each row's
/// readings in time order with one reading per source time, whatever order the batch had.
@Suite struct HeadBlocksTests {
    static func reading(_ substation: String, _ ts: Int64, _ feeder: String, volts: Double) -> StoredTelemetry {
        StoredTelemetry(
            Telemetry(substationID: SubstationID(substation), feederID: feeder.isEmpty ? nil : FeederID(feeder), voltageKV: volts,
                      ts: SourceTime(epochMilliseconds: ts)), arrival: 0)
    }

    @Test func aShuffledWriteBecomesOneRowPerSeriesAndBlockInKeyOrder() {
        let block = TelemetryChunking.blockMs
        var readings: [StoredTelemetry] = []
        var volts = 0.0
        for ts in [3_000, 1_000, block + 2_000, 2_000] as [Int64] {
            for substation in ["SUB010", "SUB002"] {
                for feeder in ["FDR2", "", "FDR10"] {
                    volts += 1
                    readings.append(Self.reading(substation, ts, feeder, volts: volts))
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        readings.shuffle(using: &rng)
        let head = HeadBlocks(readings)
        let keys = head.rows.map { "\($0.substation)|\($0.blockStart)|\($0.feeder)" }
        #expect(keys == ["SUB002", "SUB010"].flatMap { s in [0, block].flatMap { b in ["", "FDR10", "FDR2"].map { "\(s)|\(b)|\($0)" } } })
        #expect(head.readings.count == readings.count && Set(head.readings) == Set(readings), "every reading once, values kept")
        #expect(head.positions.map { readings[$0] } == head.readings, "each reading's place in the write")
        for (row, bounds) in zip(head.rows, head.bounds) {
            let rowReadings = head.readings[bounds]
            #expect(rowReadings.allSatisfy {
                $0.substationID.rawValue == row.substation && $0.feederID == row.feeder && TelemetryChunking.blockStart($0.ts) == row.blockStart
            })
            #expect(rowReadings.map(\.ts) == (row.blockStart == 0 ? [1_000, 2_000, 3_000] : [block + 2_000]))
            #expect(row.firstTs == rowReadings.first?.ts && row.lastTs == rowReadings.last?.ts)
        }
    }

    @Test func ofTwoReadingsOfOneSeriesAndTimeInAWriteTheLaterIsKept() {
        let readings = [
            Self.reading("SUB001", 2_000, "F1", volts: 1), Self.reading("SUB001", 1_000, "F1", volts: 2),
            Self.reading("SUB001", 2_000, "F1", volts: 3), Self.reading("SUB001", 2_000, "F2", volts: 4),
        ]
        let head = HeadBlocks(readings)
        #expect(head.rows.map(\.feeder) == ["F1", "F2"])
        #expect(head.readings[head.bounds[0]].map(\.values.voltageKV) == [2, 3])
        #expect(head.readings[head.bounds[1]].map(\.values.voltageKV) == [4])
        #expect(head.positions == [1, 2, 3])
        let newest = HeadBlocks.newest([(write: 5, head: head)])
        #expect(newest.map(\.reading.values.voltageKV) == [3, 4] && newest.map(\.order.1) == [2, 3] && newest.allSatisfy { $0.order.0 == 5 })
        #expect(newest[1].supersedes(newest[0]), "the same source time, later in the write")
        #expect(!newest[0].supersedes(newest[1]))
    }
}
