import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// Pending alert decisions (`alert_pending`, `alert_pending_scores`) shared by every replica. Ingest
/// and the scorer write a row with each candidate in their transaction. A claim locks the due rows
/// it takes with `FOR UPDATE SKIP LOCKED` and pushes their claim time forward in the same
/// statement, so a replica claiming at the same moment skips them rather than waiting, and once the
/// claim commits they are not due until the claim runs out (the claimer died). The decision deletes
/// its row in the decision's transaction (`decideAlert`): the second of two deciders of one row (a
/// claim that ran out while its claimer was still deciding) waits for the first's commit, then
/// finds no row.
extension PostgresStore {
    public func claimPendingAlerts(limit: Int, claimMs: Int64, now: Int64) async throws -> [PendingAlert] {
        let logger = self.logger
        return try await transaction { c in
            let events = try await Self.claimPendingEvents(limit: limit, until: now + claimMs, now: now, c, logger: logger)
            let scores = try await Self.claimPendingScores(limit: limit - events.count, until: now + claimMs, now: now, c, logger: logger)
            return events + scores
        }
    }

    static func claimPendingEvents(limit: Int, until: Int64, now: Int64, _ c: PostgresConnection, logger: Logger) async throws
        -> [PendingAlert]
    {
        guard limit > 0 else { return [] }
        let ids = try await c.rows(
            """
            WITH due AS (
              SELECT event_id FROM alert_pending WHERE claimed_until <= \(now) ORDER BY event_id LIMIT \(Int64(limit))
              FOR UPDATE SKIP LOCKED)
            UPDATE alert_pending p SET claimed_until = \(until) FROM due WHERE p.event_id = due.event_id
            RETURNING p.event_id
            """, logger: logger
        ).map { try $0.decode(Int64.self) }
        guard !ids.isEmpty else { return [] }
        var claimed: [PendingAlert] = []
        var kept = Set<Int64>()
        for row in try await c.rows(
            """
            SELECT id, ts, substation_id, device_id, feeder_id, severity, event_type, old_state, new_state, message,
              latitude, longitude
            FROM events WHERE id = ANY(\(ids)::int8[]) ORDER BY id
            """, logger: logger)
        {
            let (id, stored) = try Self.storedEvent(row)
            guard let candidate = AlertCandidate.from(stored, eventID: id) else { continue }
            claimed.append(PendingAlert(candidate: candidate))
            kept.insert(id)
        }
        let gone = ids.filter { !kept.contains($0) }
        if !gone.isEmpty {
            // Events retention removed (or no longer candidates) leave nothing to decide.
            _ = try await c.rows("DELETE FROM alert_pending WHERE event_id = ANY(\(gone)::int8[])", logger: logger)
        }
        return claimed
    }

    static func claimPendingScores(limit: Int, until: Int64, now: Int64, _ c: PostgresConnection, logger: Logger) async throws
        -> [PendingAlert]
    {
        guard limit > 0 else { return [] }
        let rows = try await c.rows(
            """
            WITH due AS (
              SELECT substation_id, ts FROM alert_pending_scores WHERE claimed_until <= \(now)
              ORDER BY ts, substation_id LIMIT \(Int64(limit))
              FOR UPDATE SKIP LOCKED),
            claimed AS (
              UPDATE alert_pending_scores p SET claimed_until = \(until) FROM due
              WHERE p.substation_id = due.substation_id AND p.ts = due.ts
              RETURNING p.substation_id, p.ts)
            SELECT c.substation_id, c.ts, s.ts, s.anomaly_score, s.is_anomaly, s.z_score, s.baseline_mean, s.baseline_std,
              s.latest_value
            FROM claimed c LEFT JOIN scores s ON s.substation_id = c.substation_id AND s.ts = c.ts
            ORDER BY c.ts, c.substation_id
            """, logger: logger)
        var claimed: [PendingAlert] = []
        var gone: (substations: [String], ts: [Int64]) = ([], [])
        for row in rows {
            let r = try row.decode((String, Int64, Int64?, Double?, Bool?, Double?, Double?, Double?, Double?).self)
            guard r.2 != nil, let anomalyScore = r.3, let isAnomaly = r.4, let z = r.5, let mean = r.6, let std = r.7, let latest = r.8
            else {
                gone.substations.append(r.0)
                gone.ts.append(r.1)
                continue
            }
            // Only ANOMALY scores are written as pending: the classification is the one that made the row.
            let score = StoredScore(
                ts: r.1, substationID: SubstationID(r.0),
                result: ZScoreModel.Result(
                    anomalyScore: anomalyScore, isAnomaly: isAnomaly, zScore: z, baselineMean: mean, baselineStd: std,
                    latestValue: latest, classification: .anomaly))
            if let candidate = AlertCandidate.from(score, pending: true) { claimed.append(PendingAlert(candidate: candidate)) }
        }
        if !gone.ts.isEmpty {
            // Scores retention removed leave nothing to decide.
            _ = try await c.rows(
                """
                DELETE FROM alert_pending_scores p USING unnest(\(gone.substations)::text[], \(gone.ts)::int8[]) AS g(sub, ts)
                WHERE p.substation_id = g.sub AND p.ts = g.ts
                """, logger: logger)
        }
        return claimed
    }

    /// A claimed event's id and the event as ingest stored it.
    static func storedEvent(_ row: PostgresRow) throws -> (Int64, StoredEvent) {
        let r = try row.decode((Int64, Int64, String?, String?, String?, String, String, String?, String?, String?, Double?, Double?).self)
        let substation = r.2.map(SubstationID.init)
        let event = GridEvent(
            substationID: substation, deviceID: r.3.map(DeviceID.init), feederID: r.4.map(FeederID.init), severity: r.5,
            eventType: r.6, oldState: r.7, newState: r.8, message: r.9, latitude: r.10, longitude: r.11,
            ts: SourceTime(epochMilliseconds: r.1))
        return (r.0, StoredEvent(ts: r.1, substationID: substation, event: event))
    }

    /// Ingest's half: the pending rows of the candidate events among `ids`, in the commit's transaction.
    static func insertPendingAlerts(_ ids: [Int64], arrival: Int64, _ c: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        _ = try await c.rows(
            "INSERT INTO alert_pending (event_id, created_at) SELECT id, \(arrival)::bigint FROM unnest(\(ids)::int8[]) AS id",
            logger: logger)
    }

    /// The scorer's half: the pending rows of the pass's ANOMALY scores, in the pass's transaction
    /// (a rerun of the same pass keeps the rows it has).
    static func insertPendingAlerts(scores: [StoredScore], _ c: PostgresConnection, logger: Logger) async throws {
        let anomalies = scores.filter { AlertCandidate.from($0) != nil }
        guard !anomalies.isEmpty else { return }
        _ = try await c.rows(
            """
            INSERT INTO alert_pending_scores (substation_id, ts, created_at)
            SELECT sub, ts, ts FROM unnest(\(anomalies.map(\.substationID.rawValue))::text[], \(anomalies.map(\.ts))::int8[]) AS a(sub, ts)
            ON CONFLICT (substation_id, ts) DO NOTHING
            """, logger: logger)
    }

    /// The decision's half: deletes the candidate's pending row, or throws `AlertAlreadyDecided`
    /// when another decider removed it first. Candidates decided directly have no row.
    static func removePendingAlert(_ candidate: AlertCandidate, _ c: PostgresConnection, logger: Logger) async throws {
        guard let key = candidate.pending else { return }
        let deleted: [PostgresRow]
        switch key {
        case .event(let id):
            deleted = try await c.rows("DELETE FROM alert_pending WHERE event_id = \(id) RETURNING event_id", logger: logger)
        case .score(let substation, let ts):
            deleted = try await c.rows(
                "DELETE FROM alert_pending_scores WHERE substation_id = \(substation.rawValue) AND ts = \(ts) RETURNING ts",
                logger: logger)
        }
        if deleted.isEmpty { throw AlertAlreadyDecided(key: key) }
    }
}
