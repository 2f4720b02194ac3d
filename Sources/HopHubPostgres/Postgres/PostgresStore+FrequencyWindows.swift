import HopChunks
import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// The scorer's input, as on SQLite: per substation its newest `size` timestamps' frequency
/// (feeders averaged per timestamp), from the head, or from chunks and head together when
/// compacted readings could be among the newest.
extension PostgresStore {
    public func frequencyWindows(size: Int, freshSince: Int64) async throws -> [FrequencyWindow] {
        let logger = self.logger
        return try await read { c in
            var windows: [FrequencyWindow] = []
            for row in try await c.rows("SELECT substation_id FROM substations ORDER BY substation_id", logger: logger) {
                let sub = try row.decode(String.self)
                let newest = try await Self.headFrequency(c, substation: sub, size: size, logger: logger)
                var readings = newest.map(\.hz)
                var latest = newest.first?.ts
                let oldest = newest.last?.ts ?? .max
                // Only chunks of the oldest head reading's block or later can reach into the window.
                let since = readings.count < size ? Int64.min : TelemetryChunking.blockStart(oldest)
                let newestChunk = try await c.rows(
                    "SELECT max(last_ts) FROM telemetry_chunks WHERE substation_id = \(sub) AND block_start >= \(since)", logger: logger)
                if let chunked = try newestChunk.first?.decode(Int64?.self), readings.count < size || chunked >= oldest {
                    let from = TelemetryChunking.blockStart(chunked) - TelemetryChunking.blockMs
                    let merged = RawReading.frequencyByTime(
                        try await Self.rawReadings(c, substation: sub, from: from, to: .max, logger: logger)
                    ).suffix(size)
                    readings = merged.reversed().map(\.hz)
                    latest = merged.last?.ts
                }
                guard let latest, latest >= freshSince else { continue }
                windows.append(FrequencyWindow(substationID: SubstationID(sub), latestTs: latest, readings: readings.reversed()))
            }
            return windows
        }
    }

    /// The newest `size` source times of the head holding a frequency, newest first, each with
    /// the mean over its feeders, read one chunk block at a time from the newest (all rows of a
    /// reading's time are in its block, so each block's rewrites are resolved within it).
    static func headFrequency(_ c: PostgresConnection, substation: String, size: Int, logger: Logger) async throws
        -> [(ts: Int64, hz: Double)]
    {
        var newest: [(ts: Int64, hz: Double)] = []
        var below = Int64.max
        while newest.count < size {
            let rows = try await HeadRow.read(
                c,
                """
                SELECT \(unescaped: HeadRow.columns) FROM telemetry_head
                WHERE substation_id = \(substation) AND block_start = (
                  SELECT max(block_start) FROM telemetry_head WHERE substation_id = \(substation) AND block_start < \(below))
                """, logger: logger)
            guard let block = rows.first?.ts.first.map(TelemetryChunking.blockStart) else { break }
            var readings: [RawReading] = []
            for (feeder, series) in Dictionary(grouping: rows, by: \.feeder) {
                readings += HeadRow.merged(series).map { RawReading(feederID: feeder, point: $0) }
            }
            readings.sort { $0.point.ts != $1.point.ts ? $0.point.ts < $1.point.ts : $0.feederID < $1.feederID }
            newest += RawReading.frequencyByTime(readings).reversed()
            below = block
        }
        return Array(newest.prefix(size))
    }
}
