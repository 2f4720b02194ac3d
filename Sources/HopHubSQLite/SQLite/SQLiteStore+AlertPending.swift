import GRDB
import HopHubCore
import HopProtocol

/// Pending alert decisions (`alert_pending`, `alert_pending_scores`). Ingest and the scorer write a
/// row with each candidate in their transaction; a claim marks due rows in one write transaction
/// (SQLite's one writer: two hub processes on the file claim one after the other); the decision
/// deletes its row in the decision's transaction (`decideAlert`).
extension SQLiteStore {
    public func claimPendingAlerts(limit: Int, claimMs: Int64, now: Int64) async throws -> [PendingAlert] {
        try await pool.write { db in
            let events = try Self.claimPendingEvents(limit: limit, until: now + claimMs, now: now, db)
            let scores = try Self.claimPendingScores(limit: limit - events.count, until: now + claimMs, now: now, db)
            return events + scores
        }
    }

    static func claimPendingEvents(limit: Int, until: Int64, now: Int64, _ db: Database) throws -> [PendingAlert] {
        guard limit > 0 else { return [] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT p.event_id, e.id AS stored_id, e.ts, e.substation_id, e.device_id, e.feeder_id, e.severity,
                  e.event_type, e.old_state, e.new_state, e.message, e.latitude, e.longitude
                FROM alert_pending p LEFT JOIN events e ON e.id = p.event_id
                WHERE p.claimed_until <= ? ORDER BY p.event_id LIMIT ?
                """,
            arguments: [now, limit])
        var claimed: [PendingAlert] = []
        for row in rows {
            let eventID: Int64 = row["event_id"]
            // An event retention removed (or no longer a candidate) leaves nothing to decide.
            guard (row["stored_id"] as Int64?) != nil, let candidate = AlertCandidate.from(storedEvent(row), eventID: eventID) else {
                try db.execute(sql: "DELETE FROM alert_pending WHERE event_id = ?", arguments: [eventID])
                continue
            }
            try db.execute(sql: "UPDATE alert_pending SET claimed_until = ? WHERE event_id = ?", arguments: [until, eventID])
            claimed.append(PendingAlert(candidate: candidate))
        }
        return claimed
    }

    static func claimPendingScores(limit: Int, until: Int64, now: Int64, _ db: Database) throws -> [PendingAlert] {
        guard limit > 0 else { return [] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT p.substation_id, p.ts, s.ts AS stored_ts, s.anomaly_score, s.is_anomaly, s.z_score, s.baseline_mean,
                  s.baseline_std, s.latest_value
                FROM alert_pending_scores p LEFT JOIN scores s ON s.substation_id = p.substation_id AND s.ts = p.ts
                WHERE p.claimed_until <= ? ORDER BY p.ts, p.substation_id LIMIT ?
                """,
            arguments: [now, limit])
        var claimed: [PendingAlert] = []
        for row in rows {
            let substation: String = row["substation_id"]
            let ts: Int64 = row["ts"]
            guard (row["stored_ts"] as Int64?) != nil else {
                try db.execute(sql: "DELETE FROM alert_pending_scores WHERE substation_id = ? AND ts = ?", arguments: [substation, ts])
                continue
            }
            try db.execute(
                sql: "UPDATE alert_pending_scores SET claimed_until = ? WHERE substation_id = ? AND ts = ?",
                arguments: [until, substation, ts])
            // Only ANOMALY scores are written as pending: the classification is the one that made the row.
            let score = StoredScore(
                ts: ts, substationID: SubstationID(substation),
                result: ZScoreModel.Result(
                    anomalyScore: row["anomaly_score"], isAnomaly: row["is_anomaly"], zScore: row["z_score"],
                    baselineMean: row["baseline_mean"], baselineStd: row["baseline_std"], latestValue: row["latest_value"],
                    classification: .anomaly))
            if let candidate = AlertCandidate.from(score, pending: true) { claimed.append(PendingAlert(candidate: candidate)) }
        }
        return claimed
    }

    /// The event of a claim row, as ingest stored it.
    static func storedEvent(_ row: Row) -> StoredEvent {
        let substation = (row["substation_id"] as String?).map(SubstationID.init)
        let ts: Int64 = row["ts"]
        let event = GridEvent(
            substationID: substation, deviceID: (row["device_id"] as String?).map(DeviceID.init),
            feederID: (row["feeder_id"] as String?).map(FeederID.init), severity: row["severity"], eventType: row["event_type"],
            oldState: row["old_state"], newState: row["new_state"], message: row["message"], latitude: row["latitude"],
            longitude: row["longitude"], ts: SourceTime(epochMilliseconds: ts))
        return StoredEvent(ts: ts, substationID: substation, event: event)
    }

    /// Ingest's half: the pending row of a candidate event, in the commit's transaction.
    static func insertPendingAlert(eventID: Int64, arrival: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO alert_pending (event_id, created_at) VALUES (?, ?)", arguments: [eventID, arrival])
    }

    /// The scorer's half: the pending row of an ANOMALY score, in the pass's transaction (a rerun
    /// of the same pass keeps the row it has).
    static func insertPendingAlert(score: StoredScore, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO alert_pending_scores (substation_id, ts, created_at) VALUES (?, ?, ?)",
            arguments: [score.substationID.rawValue, score.ts, score.ts])
    }

    /// The decision's half: deletes the candidate's pending row, or throws `AlertAlreadyDecided`
    /// when another decider removed it first. Candidates decided directly have no row.
    static func removePendingAlert(_ candidate: AlertCandidate, _ db: Database) throws {
        guard let key = candidate.pending else { return }
        switch key {
        case .event(let id):
            try db.execute(sql: "DELETE FROM alert_pending WHERE event_id = ?", arguments: [id])
        case .score(let substation, let ts):
            try db.execute(
                sql: "DELETE FROM alert_pending_scores WHERE substation_id = ? AND ts = ?", arguments: [substation.rawValue, ts])
        }
        if db.changesCount == 0 { throw AlertAlreadyDecided(key: key) }
    }
}
