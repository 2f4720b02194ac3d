import HopHubCore
import Foundation
import GRDB
import HopProtocol

extension SQLiteStore: IngestStore {
    public func commit(_ writes: [IngestWrite]) async throws -> [IngestOutcome] {
        try await pool.write { db in
            try writes.map { try Self.apply($0, db) }
        }
    }

    /// Applies one write inside a savepoint: all of it or none of it.
    static func apply(_ write: IngestWrite, _ db: Database) throws -> IngestOutcome {
        var outcome = IngestOutcome.stored
        try db.inSavepoint {
            var edgeSubstations = Set<String>()
            if let edge = write.edge {
                let row = try Row.fetchOne(
                    db, sql: "SELECT high_water_seq, substations, key_name FROM edges WHERE edge_id = ?",
                    arguments: [edge.id.rawValue])
                if let row, (row["key_name"] as String) != edge.keyName {
                    outcome = .conflict("edge_id \(edge.id) is registered to another API key; each edge uploads with its own key")
                    return .rollback
                }
                if let row, edge.seq <= (row["high_water_seq"] as Int64) {
                    outcome = .duplicate
                    return .rollback
                }
                if let row, let text = row["substations"] as String?, !text.isEmpty {
                    edgeSubstations.formUnion(text.split(separator: ",").map(String.init))
                }
            }
            for o in write.outages {
                if let owner = try ownerConflict(o, db) {
                    outcome = .conflict(owner)
                    return .rollback
                }
            }
            try insertTelemetry(write.telemetry, arrival: write.arrival, db)
            try insertEvents(write.events, arrival: write.arrival, db)
            try upsertOutages(write.outages, arrival: write.arrival, db)
            if let edge = write.edge {
                edgeSubstations.formUnion(write.telemetry.map(\.substationID.rawValue))
                edgeSubstations.formUnion(write.events.compactMap(\.substationID?.rawValue))
                edgeSubstations.formUnion(write.health?.devices.map(\.substationID.rawValue) ?? [])
                let health = try write.health.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
                try db.execute(
                    sql: """
                        INSERT INTO edges (edge_id, high_water_seq, last_contact, key_name, substations, health_json)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(edge_id) DO UPDATE SET high_water_seq = excluded.high_water_seq,
                          last_contact = excluded.last_contact, key_name = excluded.key_name,
                          substations = excluded.substations, health_json = coalesce(excluded.health_json, health_json)
                        """,
                    arguments: [
                        edge.id.rawValue, edge.seq, write.arrival, edge.keyName,
                        edgeSubstations.sorted().joined(separator: ","), health,
                    ])
            }
            return .commit
        }
        return outcome
    }

    static func ownerConflict(_ o: StoredOutage, _ db: Database) throws -> String? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT substation_id FROM outages WHERE outage_id = ?", arguments: [o.outage.outageID.rawValue])
        else { return nil }
        let existing = row["substation_id"] as String?
        guard let new = o.substationID?.rawValue, new != existing else { return nil }
        return "outage_id \(o.outage.outageID) already belongs to another substation; an outage's substation is fixed at its first report"
    }

    static func insertTelemetry(_ rows: [StoredTelemetry], arrival: Int64, _ db: Database) throws {
        guard !rows.isEmpty else { return }
        // One head row per series and source time: a later write of it replaces the earlier one.
        let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO telemetry VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
        for t in rows {
            insert.setUncheckedArguments([
                t.ts, t.substationID.rawValue, t.feederID, t.deviceID, t.siteName, t.latitude, t.longitude,
                t.values.voltageKV, t.values.currentA, t.values.powerMW, t.values.frequencyHz, arrival,
            ])
            try insert.execute()
        }
        try upsertRollups(MinuteRollup.build(rows), db)
        try upsertLatest(rows, db)
        try upsertSubstations(rows, db)
    }

    static func upsertRollups(_ rollups: [MinuteRollup.Key: MinuteRollup], _ db: Database) throws {
        let columns = ["v", "i", "p", "f"]
        let updates = columns.map { c in
            """
            \(c)_min = min(coalesce(\(c)_min, excluded.\(c)_min), coalesce(excluded.\(c)_min, \(c)_min)),
            \(c)_max = max(coalesce(\(c)_max, excluded.\(c)_max), coalesce(excluded.\(c)_max, \(c)_max)),
            \(c)_sum = \(c)_sum + excluded.\(c)_sum, \(c)_n = \(c)_n + excluded.\(c)_n,
            \(c)_last = CASE WHEN excluded.last_ts >= last_ts AND excluded.\(c)_last IS NOT NULL
                        THEN excluded.\(c)_last ELSE \(c)_last END
            """
        }.joined(separator: ",\n")
        let statement = try db.cachedStatement(sql: """
            INSERT INTO telemetry_1m VALUES (?,?,?,?, ?,?,?,?,?, ?,?,?,?,?, ?,?,?,?,?, ?,?,?,?,?)
            ON CONFLICT(substation_id, feeder_id, minute) DO UPDATE SET
            \(updates),
            last_ts = max(last_ts, excluded.last_ts)
            """)
        for (key, rollup) in rollups {
            var args: [(any DatabaseValueConvertible)?] = [key.substationID.rawValue, key.feederID, key.minute, rollup.lastTs]
            for stat in rollup.stats {
                let has = stat.count > 0
                args += [has ? stat.min : nil, has ? stat.max : nil, stat.sum, stat.count, stat.last]
            }
            statement.setUncheckedArguments(StatementArguments(args))
            try statement.execute()
        }
    }

    static func upsertLatest(_ rows: [StoredTelemetry], _ db: Database) throws {
        var newest: [String: StoredTelemetry] = [:]
        for t in rows {
            let key = t.substationID.rawValue + "\u{0}" + t.feederID
            if let existing = newest[key], existing.ts > t.ts { continue }
            newest[key] = t
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO telemetry_latest VALUES (?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(substation_id, feeder_id) DO UPDATE SET ts = excluded.ts, device_id = excluded.device_id,
              site_name = excluded.site_name, latitude = excluded.latitude, longitude = excluded.longitude,
              voltage_kv = excluded.voltage_kv, current_a = excluded.current_a, power_mw = excluded.power_mw,
              frequency_hz = excluded.frequency_hz
            WHERE excluded.ts >= telemetry_latest.ts
            """)
        for t in newest.values {
            statement.setUncheckedArguments([
                t.substationID.rawValue, t.feederID, t.ts, t.deviceID, t.siteName, t.latitude, t.longitude,
                t.values.voltageKV, t.values.currentA, t.values.powerMW, t.values.frequencyHz,
            ])
            try statement.execute()
        }
    }

    static func upsertSubstations(_ rows: [StoredTelemetry], _ db: Database) throws {
        struct Seen { var first: Int64; var last: StoredTelemetry }
        var seen: [SubstationID: Seen] = [:]
        for t in rows {
            if var s = seen[t.substationID] {
                s.first = min(s.first, t.ts)
                if t.ts >= s.last.ts { s.last = t }
                seen[t.substationID] = s
            } else {
                seen[t.substationID] = Seen(first: t.ts, last: t)
            }
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO substations VALUES (?,?,?,?,?,?)
            ON CONFLICT(substation_id) DO UPDATE SET
              site_name = CASE WHEN excluded.last_seen >= last_seen THEN coalesce(excluded.site_name, site_name)
                               ELSE coalesce(site_name, excluded.site_name) END,
              latitude = CASE WHEN excluded.last_seen >= last_seen AND excluded.latitude IS NOT NULL
                              THEN excluded.latitude ELSE coalesce(latitude, excluded.latitude) END,
              longitude = CASE WHEN excluded.last_seen >= last_seen AND excluded.longitude IS NOT NULL
                               THEN excluded.longitude ELSE coalesce(longitude, excluded.longitude) END,
              first_seen = min(first_seen, excluded.first_seen),
              last_seen = max(last_seen, excluded.last_seen)
            """)
        for (id, s) in seen {
            statement.setUncheckedArguments([id.rawValue, s.last.siteName, s.last.latitude, s.last.longitude, s.first, s.last.ts])
            try statement.execute()
        }
    }

    static func insertEvents(_ rows: [StoredEvent], arrival: Int64, _ db: Database) throws {
        guard !rows.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO events (ts, substation_id, device_id, feeder_id, severity, event_type, old_state, new_state,
              message, latitude, longitude, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        for r in rows {
            let e = r.event
            statement.setUncheckedArguments([
                r.ts, r.substationID?.rawValue, e.deviceID?.rawValue, e.feederID?.rawValue, e.severity.uppercased(),
                e.eventType.uppercased(), e.oldState, e.newState, e.message, e.latitude, e.longitude, arrival,
            ])
            try statement.execute()
            if AlertCandidate.from(r) != nil { try insertPendingAlert(eventID: db.lastInsertedRowID, arrival: arrival, db) }
        }
    }

    static func upsertOutages(_ rows: [StoredOutage], arrival: Int64, _ db: Database) throws {
        guard !rows.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO outages (outage_id, substation_id, feeder_id, customers_out, mw_interrupted, status, cause,
              region, etr_time, latitude, longitude, ts, active, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(outage_id) DO UPDATE SET
              substation_id = coalesce(substation_id, excluded.substation_id),
              feeder_id = coalesce(excluded.feeder_id, feeder_id),
              customers_out = coalesce(excluded.customers_out, customers_out),
              mw_interrupted = coalesce(excluded.mw_interrupted, mw_interrupted),
              status = excluded.status, cause = coalesce(excluded.cause, cause),
              region = coalesce(excluded.region, region), etr_time = coalesce(excluded.etr_time, etr_time),
              latitude = coalesce(excluded.latitude, latitude), longitude = coalesce(excluded.longitude, longitude),
              ts = excluded.ts, active = excluded.active, updated_at = excluded.updated_at
            WHERE excluded.ts >= outages.ts
            """)
        for r in rows {
            let o = r.outage
            statement.setUncheckedArguments([
                o.outageID.rawValue, r.substationID?.rawValue, o.feederID?.rawValue, o.customersOut, o.mwInterrupted,
                o.status.uppercased(), o.cause, o.region, o.etrTime?.epochMilliseconds, o.latitude, o.longitude, r.ts,
                o.isResolved ? 0 : 1, arrival,
            ])
            try statement.execute()
        }
    }
}
