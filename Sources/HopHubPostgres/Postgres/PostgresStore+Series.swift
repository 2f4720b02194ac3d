import HopChunks
import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// Time series within the point budget (raw readings from chunks and head) or as buckets of
/// minute statistics or ten-minute periods, decided as on SQLite (`SeriesResolution`, `MinuteBuckets`).
extension PostgresStore {
    public func timeSeries(substation: SubstationID, window: SeriesWindow) async throws
        -> (resolutionSeconds: Int, points: [TimeSeriesPoint])
    {
        let logger = self.logger
        return try await read { c in
            let sub = substation.rawValue
            let (resolution, counted) = try await Self.resolution(c, window: window, substations: [sub], logger: logger)
            switch resolution {
            case .raw:
                let readings = try await Self.rawReadings(c, substation: sub, from: window.from, to: window.to, logger: logger)
                return (0, readings.map { r in
                    TimeSeriesPoint(
                        time: SourceTime(epochMilliseconds: r.point.ts), feederID: Self.feeder(r.feederID),
                        values: MetricValues(
                            voltageKV: r.point.voltageKV, currentA: r.point.currentA, powerMW: r.point.powerMW,
                            frequencyHz: r.point.frequencyHz))
                })
            case .buckets(let seconds):
                let width = Int64(seconds) * 1000
                let from = MinuteBuckets.bucket(window.from, width)
                var feeders = counted
                if feeders == nil {
                    feeders = try await Self.bucketInput(c, substations: [sub], widthMs: width, from: from, to: window.to, logger: logger)
                }
                return (seconds, MinuteBuckets.timeSeries(feeders?[sub] ?? [], widthMs: width, from: from, to: window.to))
            }
        }
    }

    public func frequencySeries(window: SeriesWindow, scope: SubstationScope) async throws
        -> (resolutionSeconds: Int, series: [FrequencySeries])
    {
        let logger = self.logger
        let tierCache = self.tierCache
        let (all, ids) = Self.scopeBinds(scope)
        return try await read { c in
            var subs: [String] = []
            for row in try await c.rows(
                "SELECT substation_id FROM substations WHERE (\(all) OR substation_id = ANY(\(ids)::text[])) ORDER BY substation_id",
                logger: logger)
            {
                subs.append(try row.decode(String.self))
            }
            let (resolution, counted) = try await Self.resolution(c, window: window, substations: subs, only: .frequencyHz, logger: logger)
            var series: [FrequencySeries] = []
            switch resolution {
            case .raw:
                let readings = try await Self.rawReadings(c, substations: subs, from: window.from, to: window.to, logger: logger)
                for sub in subs {
                    let points = RawReading.frequencyByTime(readings[sub] ?? []).map {
                        FrequencyPoint(time: SourceTime(epochMilliseconds: $0.ts), frequencyHz: $0.hz)
                    }
                    if !points.isEmpty { series.append(FrequencySeries(substationID: SubstationID(sub), points: points)) }
                }
            case .buckets(let seconds):
                let width = Int64(seconds) * 1000
                let from = MinuteBuckets.bucket(window.from, width)
                let feeders: [String: [QuantityColumns]]
                if let counted {
                    feeders = counted.mapValues { $0.map { QuantityColumns($0.minutes, .frequencyHz) } }
                } else {
                    feeders = try await Self.quantityInput(
                        c, substations: subs, widthMs: width, from: from, to: window.to, column: .frequencyHz, cache: tierCache,
                        logger: logger)
                }
                for sub in subs {
                    let points = MinuteBuckets.frequency(feeders[sub] ?? [], widthMs: width, from: from, to: window.to)
                    if !points.isEmpty { series.append(FrequencySeries(substationID: SubstationID(sub), points: points)) }
                }
            }
            return (resolution.seconds, series)
        }
    }

    /// Raw readings when the densest series in the window fits the point budget (counted from the
    /// per-minute statistics), buckets otherwise; the minutes read for counting are returned for
    /// the buckets to reuse (per substation, from the window's first minute), nil when they cannot be.
    static func resolution(
        _ c: PostgresConnection, window: SeriesWindow, substations: [String], only: ChunkColumn? = nil, logger: Logger
    ) async throws -> (SeriesResolution, [String: [FeederMinutes]]?) {
        let spanMinutes = (window.to - window.from) / 60_000
        if spanMinutes >= Int64(window.maxPoints) || substations.isEmpty || window.from < window.rawFrom {
            return (SeriesResolution.choose(window: window, rawPointsPerSeries: .max), nil)
        }
        let from = MinuteStats.minuteStart(window.from)
        let read = try await minutes(c, substations: substations, from: from, to: window.to, only: only, logger: logger)
        let densest = read.values.lazy.flatMap { $0 }.map(\.readings).max() ?? 0
        let resolution = SeriesResolution.choose(window: window, rawPointsPerSeries: densest)
        if case .buckets(let seconds) = resolution, MinuteBuckets.bucket(window.from, Int64(seconds) * 1000) < from { return (resolution, nil) }
        return (resolution, read)
    }
}
