import Foundation
import HopProtocol

/// `GET /api/query/summary`: the Executive View's totals, computed on the hub over the caller's
/// substations only. Formulas in docs/live.md.
public struct ExecutiveSummary: Codable, Sendable, Hashable {
    public struct Counts: Codable, Sendable, Hashable {
        public var total: Int
        /// Reported within the online window (2 minutes).
        public var online: Int
        public var offline: Int
        /// A device's newest COMM_FAIL/COMM_RESTORED event (last 7 days) is a COMM_FAIL.
        public var commFail: Int
        enum CodingKeys: String, CodingKey {
            case total, online, offline
            case commFail = "comm_fail"
        }
    }

    /// One row of the per-substation status table.
    public struct Substation: Codable, Sendable, Hashable {
        public var substationID: SubstationID
        public var siteName: String?
        public var latitude: Double?
        public var longitude: Double?
        public var online: Bool
        public var lastContact: SourceTime
        public var commFail: Bool
        /// NORMAL / ELEVATED / ANOMALY of the latest score; nil when never scored.
        public var scoreClass: String?
        public var anomalyScore: Double?
        public var activeOutages: Int
        public var customersOut: Int
        public var mwInterrupted: Double
        public var trips: Int
        public var healthy: Bool
        enum CodingKeys: String, CodingKey {
            case substationID = "substation_id"
            case siteName = "site_name"
            case latitude, longitude, online
            case lastContact = "last_contact"
            case commFail = "comm_fail"
            case scoreClass = "score_class"
            case anomalyScore = "anomaly_score"
            case activeOutages = "active_outages"
            case customersOut = "customers_out"
            case mwInterrupted = "mw_interrupted"
            case trips, healthy
        }
    }

    /// One edge agent's health as the executive sees it.
    public struct Edge: Codable, Sendable, Hashable {
        public var edgeID: EdgeID
        public var lastContact: SourceTime
        /// Records in the edge's journal not yet acknowledged (nil when it never reported health).
        public var journalBacklog: Int64?
        public var oldestUnsentAgeSeconds: Double?
        public var substations: [SubstationID]
        enum CodingKeys: String, CodingKey {
            case edgeID = "edge_id"
            case lastContact = "last_contact"
            case journalBacklog = "journal_backlog"
            case oldestUnsentAgeSeconds = "oldest_unsent_age_s"
            case substations
        }
    }

    public var generatedAt: SourceTime
    public var minutes: Int
    public var substations: Counts
    /// Share of the caller's substations that are healthy, 0–100 (one decimal); nil with no substations.
    public var gridHealthPct: Double?
    public var activeOutages: Int
    public var mwInterrupted: Double
    public var customersOut: Int
    /// Substations whose latest score class is ANOMALY / ELEVATED.
    public var anomalies: Int
    public var elevated: Int
    /// FEEDER_TRIP events in the last `minutes`.
    public var trips: Int
    public var substationStatus: [Substation]
    public var edges: [Edge]

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case minutes, substations
        case gridHealthPct = "grid_health_pct"
        case activeOutages = "active_outages"
        case mwInterrupted = "mw_interrupted"
        case customersOut = "customers_out"
        case anomalies, elevated, trips
        case substationStatus = "substation_status"
        case edges
    }

    /// A substation is healthy when it is online, has no active outage, no unresolved comm failure,
    /// and its latest score is not ANOMALY. Online is `SubstationInfo.active`: the substations are
    /// read with the online window as their `activeSince`.
    public static func build(
        now: Int64, minutes: Int, substations: [SubstationInfo], outages: [OutageRecord],
        scores: [AnomalyScore], commFail: Set<SubstationID>, trips: [SubstationID: Int], edges: [EdgeRecord]
    ) -> ExecutiveSummary {
        let scoreBy = Dictionary(scores.map { ($0.substationID, $0) }, uniquingKeysWith: { a, b in a.time.epochMilliseconds >= b.time.epochMilliseconds ? a : b })
        let outagesBy = Dictionary(grouping: outages.filter { $0.outage.substationID != nil }, by: { $0.outage.substationID! })
        let rows = substations.map { s -> Substation in
            let online = s.active
            let score = scoreBy[s.substationID]
            let mine = outagesBy[s.substationID] ?? []
            let failing = commFail.contains(s.substationID)
            return Substation(
                substationID: s.substationID, siteName: s.siteName, latitude: s.latitude, longitude: s.longitude, online: online,
                lastContact: s.lastSeen, commFail: failing, scoreClass: score?.classification, anomalyScore: score?.anomalyScore,
                activeOutages: mine.count, customersOut: mine.reduce(0) { $0 + ($1.outage.customersOut ?? 0) },
                mwInterrupted: mine.reduce(0) { $0 + ($1.outage.mwInterrupted ?? 0) }, trips: trips[s.substationID] ?? 0,
                healthy: online && mine.isEmpty && !failing && score?.classification != AnomalyClass.anomaly.rawValue)
        }
        let online = rows.filter(\.online).count
        let healthy = rows.filter(\.healthy).count
        return ExecutiveSummary(
            generatedAt: SourceTime(epochMilliseconds: now), minutes: minutes,
            substations: Counts(total: rows.count, online: online, offline: rows.count - online, commFail: rows.filter(\.commFail).count),
            gridHealthPct: rows.isEmpty ? nil : (Double(healthy) * 1000 / Double(rows.count)).rounded() / 10,
            activeOutages: outages.count, mwInterrupted: outages.reduce(0) { $0 + ($1.outage.mwInterrupted ?? 0) },
            customersOut: outages.reduce(0) { $0 + ($1.outage.customersOut ?? 0) },
            anomalies: rows.filter { $0.scoreClass == AnomalyClass.anomaly.rawValue }.count,
            elevated: rows.filter { $0.scoreClass == AnomalyClass.elevated.rawValue }.count,
            trips: trips.values.reduce(0, +), substationStatus: rows,
            edges: edges.map {
                Edge(
                    edgeID: $0.edgeID, lastContact: $0.lastContact, journalBacklog: $0.health?.journalDepth,
                    oldestUnsentAgeSeconds: $0.health?.oldestUnsentAgeSeconds, substations: $0.substations)
            })
    }
}
