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
                var readings: [Double] = []
                var latest: Int64?
                var oldest: Int64 = .max
                for row in try await c.rows(
                    """
                    SELECT ts, avg(frequency_hz) FROM telemetry
                    WHERE substation_id = \(sub) AND frequency_hz IS NOT NULL
                    GROUP BY ts ORDER BY ts DESC LIMIT \(Int64(size))
                    """, logger: logger)
                {
                    let (ts, hz) = try row.decode((Int64, Double).self)
                    if latest == nil { latest = ts }
                    oldest = ts
                    readings.append(hz)
                }
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
}
