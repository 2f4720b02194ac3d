import HopHubCore
import HopProtocol

/// A write's readings as the head's rows (`telemetry_head`): one per substation, feeder and chunk
/// block, its readings in time order with one reading per source time (of two in one write the
/// later one is kept, as a later write replaces an earlier one). `readings` lists the write's
/// readings row after row; row `k` holds `readings[bounds[k]]`, and `positions` holds each
/// reading's place in the write.
struct HeadBlocks: Sendable {
    struct Row: Sendable {
        var substation: String
        var feeder: String
        var blockStart: Int64
        var firstTs: Int64
        var lastTs: Int64
    }

    var rows: [Row] = []
    var bounds: [Range<Int>] = []
    var readings: [StoredTelemetry] = []
    var positions: [Int] = []

    init(_ telemetry: [StoredTelemetry]) {
        struct Key: Hashable, Comparable {
            var substation: String
            var blockStart: Int64
            var feeder: String
            static func < (a: Key, b: Key) -> Bool {
                (a.substation, a.blockStart, a.feeder) < (b.substation, b.blockStart, b.feeder)
            }
        }
        var members: [Key: [Int]] = [:]
        for (i, t) in telemetry.enumerated() {
            members[Key(substation: t.substationID.rawValue, blockStart: TelemetryChunking.blockStart(t.ts), feeder: t.feederID), default: []]
                .append(i)
        }
        readings.reserveCapacity(telemetry.count)
        positions.reserveCapacity(telemetry.count)
        for key in members.keys.sorted() {
            var indices = members[key]!
            // An edge sends its readings in time order; anything else is sorted, later duplicates kept.
            if !zip(indices, indices.dropFirst()).allSatisfy({ telemetry[$0].ts < telemetry[$1].ts }) {
                indices.sort { telemetry[$0].ts != telemetry[$1].ts ? telemetry[$0].ts < telemetry[$1].ts : $0 < $1 }
                indices = indices.indices.compactMap { k in
                    k + 1 < indices.count && telemetry[indices[k + 1]].ts == telemetry[indices[k]].ts ? nil : indices[k]
                }
            }
            let start = readings.count
            readings.append(contentsOf: indices.map { telemetry[$0] })
            positions.append(contentsOf: indices)
            bounds.append(start..<readings.count)
            rows.append(Row(
                substation: key.substation, feeder: key.feeder, blockStart: key.blockStart,
                firstTs: readings[start].ts, lastTs: readings[readings.count - 1].ts))
        }
    }
}

extension HeadBlocks {
    /// Each row's newest reading (its last) with the row, the write's place in a group and the
    /// reading's place in the write: what the group's latest readings and substations are taken
    /// from, a row at a time instead of a reading at a time.
    struct Newest {
        var row: Row
        var reading: StoredTelemetry
        /// (write in the group, reading in the write): of two readings with one source time the later in this order wins.
        var order: (Int, Int)

        /// Whether this reading replaces `other` as the newest: a later source time, or the same one written later.
        func supersedes(_ other: Newest) -> Bool {
            reading.ts != other.reading.ts ? reading.ts > other.reading.ts : order > other.order
        }
    }

    /// The newest reading of every row of `groups` (the stored writes of a group, in group order).
    static func newest(_ groups: [(write: Int, head: HeadBlocks)]) -> [Newest] {
        groups.flatMap { write, head in
            zip(head.rows, head.bounds).map { row, bounds in
                Newest(row: row, reading: head.readings[bounds.upperBound - 1], order: (write, head.positions[bounds.upperBound - 1]))
            }
        }
    }
}
