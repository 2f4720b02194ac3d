import HopHubCore

/// Head rows in the order of the head's primary key: substation, source time, feeder. Groups
/// committing side by side then take their row locks in one order. Each distinct name is ranked
/// once and the rows are sorted by integers; rows already in order are returned as they are.
enum TelemetryKeyOrder {
    static func sorted(_ rows: [StoredTelemetry]) -> [StoredTelemetry] {
        guard rows.count > 1 else { return rows }
        let substations = ranks(rows.map(\.substationID.rawValue))
        let feeders = ranks(rows.map(\.feederID))
        let times = rows.map(\.ts)
        func precedes(_ a: Int, _ b: Int) -> Bool {
            if substations[a] != substations[b] { return substations[a] < substations[b] }
            if times[a] != times[b] { return times[a] < times[b] }
            return feeders[a] < feeders[b]
        }
        if (1..<rows.count).allSatisfy({ !precedes($0, $0 - 1) }) { return rows }
        return rows.indices.sorted(by: precedes).map { rows[$0] }
    }

    /// Each name's place among the distinct names, in order.
    private static func ranks(_ names: [String]) -> [Int] {
        let place = Dictionary(uniqueKeysWithValues: Set(names).sorted().enumerated().map { ($1, $0) })
        return names.map { place[$0]! }
    }
}
