import Foundation
import HopProtocol

/// What one hub replica's live feed tells the others' (through `LiveRelay`): a compact summary of
/// data it committed. Readings travel whole (newest per substation+feeder, in the shape streams
/// send); events, outages and edges travel as ids and are read back from the shared store by each
/// listener, so what a stream shows is what the query endpoints answer. Encoded as JSON with short
/// keys (docs/live.md, "Several replicas").
public struct LiveNews: Codable, Sendable, Equatable {
    /// The replica that committed (a listener ignores its own news).
    public var origin: String
    /// The newest reading per substation+feeder of the commit.
    public var readings: [LatestReading]
    /// The earliest arrival (ms) of the commit's writes that held events; nil when none did.
    public var eventsSince: Int64?
    public var outages: [OutageID]
    public var edges: [EdgeID]
    public var scores: [AnomalyScore]
    public var alerts: [AlertLogEntry]
    public var alarms: [Alarm]

    enum CodingKeys: String, CodingKey {
        case origin = "o", readings = "r", eventsSince = "e", outages = "u", edges = "g", scores = "s", alerts = "a", alarms = "m"
    }

    public init(
        origin: String = "", readings: [LatestReading] = [], eventsSince: Int64? = nil, outages: [OutageID] = [],
        edges: [EdgeID] = [], scores: [AnomalyScore] = [], alerts: [AlertLogEntry] = [], alarms: [Alarm] = []
    ) {
        self.origin = origin
        self.readings = readings
        self.eventsSince = eventsSince
        self.outages = outages
        self.edges = edges
        self.scores = scores
        self.alerts = alerts
        self.alarms = alarms
    }

    /// The news of committed ingest writes.
    public init(committed writes: [IngestWrite]) {
        // The newest reading's place per series; only those become `LatestReading`s.
        var newest: [ReadingCoalescer.Key: (write: Int, reading: Int)] = [:]
        for (w, write) in writes.enumerated() {
            for (i, t) in write.telemetry.enumerated() {
                let key = ReadingCoalescer.Key(substation: t.substationID, feeder: t.feederID)
                if let kept = newest[key], writes[kept.write].telemetry[kept.reading].ts > t.ts { continue }
                newest[key] = (w, i)
            }
        }
        self.init(
            readings: newest.values.map { LatestReading(writes[$0.write].telemetry[$0.reading]) }
                .sorted { $0.time.epochMilliseconds < $1.time.epochMilliseconds },
            eventsSince: writes.filter { !$0.events.isEmpty }.map(\.arrival).min(),
            outages: Array(Set(writes.flatMap { $0.outages.map(\.outage.outageID) })),
            edges: Array(Set(writes.compactMap { $0.edge?.id })))
    }

    /// True when it carries nothing.
    public var isEmpty: Bool {
        readings.isEmpty && eventsSince == nil && outages.isEmpty && edges.isEmpty && scores.isEmpty && alerts.isEmpty
            && alarms.isEmpty
    }

    /// The news as JSON payloads of at most `maxBytes` UTF-8 bytes each: split in halves, list by
    /// list, until every part fits. A single item larger than `maxBytes` is left out (reported in
    /// `dropped`; a listener would have to resync for it anyway).
    public func payloads(maxBytes: Int) -> (payloads: [String], dropped: Int) {
        let text = LiveJSON.encode(self)
        if text.utf8.count <= maxBytes { return ([text], 0) }
        guard let (first, second) = halves() else { return ([], 1) }
        let a = first.payloads(maxBytes: maxBytes)
        let b = second.payloads(maxBytes: maxBytes)
        return (a.payloads + b.payloads, a.dropped + b.dropped)
    }

    /// Two news that together carry this one's items; nil for a single item.
    private func halves() -> (LiveNews, LiveNews)? {
        var first = LiveNews(origin: origin, eventsSince: eventsSince, outages: outages, edges: edges)
        var second = LiveNews(origin: origin)
        func split<T>(_ items: [T]) -> ([T], [T]) { (Array(items.prefix(items.count / 2)), Array(items.suffix(items.count - items.count / 2))) }
        if readings.count > 1 || scores.count > 1 || alerts.count > 1 || alarms.count > 1 {
            (first.readings, second.readings) = split(readings)
            (first.scores, second.scores) = split(scores)
            (first.alerts, second.alerts) = split(alerts)
            (first.alarms, second.alarms) = split(alarms)
            return (first, second)
        }
        if outages.count + edges.count > 1 || !(readings.isEmpty && scores.isEmpty && alerts.isEmpty && alarms.isEmpty) {
            // Ids apart from the items.
            first = LiveNews(origin: origin, eventsSince: eventsSince)
            (first.outages, second.outages) = split(outages)
            (first.edges, second.edges) = split(edges)
            second.readings = readings
            second.scores = scores
            second.alerts = alerts
            second.alarms = alarms
            return first.isEmpty || second.isEmpty ? nil : (first, second)
        }
        return nil
    }

    /// The origin of a payload, read without decoding it, when no object comes before it (the
    /// members are written in key order: news of ingest holds empty lists of alerts and alarms,
    /// an events time and edge ids before the origin); nil otherwise, also when the origin has an
    /// escape. A replica skips its own notifications this way instead of decoding each.
    public static func origin(ofPayload payload: String) -> String? {
        var utf8 = payload.utf8[...]
        guard utf8.first == UInt8(ascii: "{") else { return nil }
        utf8 = utf8.dropFirst()
        let marker = Array(#""o":""#.utf8)
        while let next = utf8.first {
            if next == UInt8(ascii: "{") { return nil }
            if utf8.starts(with: marker) {
                let value = utf8.dropFirst(marker.count)
                guard let end = value.firstIndex(of: UInt8(ascii: "\"")), !value[..<end].contains(UInt8(ascii: "\\")) else { return nil }
                return String(value[..<end])
            }
            utf8 = utf8.dropFirst()
        }
        return nil
    }

    /// Decodes a payload; nil when it is not news.
    public static func decode(_ payload: String) -> LiveNews? {
        try? JSONDecoder().decode(LiveNews.self, from: Data(payload.utf8))
    }
}

extension LatestReading {
    /// A committed reading as streams and `/api/query/telemetry/latest` show it.
    init(_ t: StoredTelemetry) {
        self.init(
            time: SourceTime(epochMilliseconds: t.ts), substationID: t.substationID,
            feederID: t.feederID.isEmpty ? nil : FeederID(t.feederID), deviceID: t.deviceID.map(DeviceID.init),
            siteName: t.siteName, latitude: t.latitude, longitude: t.longitude, values: t.values)
    }
}

extension AnomalyScore {
    /// A written score as streams and `/api/query/ml/latest` show it.
    init(_ s: StoredScore) {
        let r = s.result
        self.init(
            time: SourceTime(epochMilliseconds: s.ts), substationID: s.substationID, anomalyScore: r.anomalyScore,
            isAnomaly: r.isAnomaly, zScore: r.zScore, baselineMean: r.baselineMean, baselineStd: r.baselineStd,
            latestValue: r.latestValue, modelVersion: ScoringSettings.modelVersion,
            classification: AnomalyClass(score: r.anomalyScore).rawValue)
    }
}

/// Carries a replica's live news to the other replicas sharing its database (PostgreSQL
/// LISTEN/NOTIFY). Must return at once: it is called on the writer's post-commit path.
public protocol LiveRelay: Sendable {
    func publish(_ news: LiveNews)
}
