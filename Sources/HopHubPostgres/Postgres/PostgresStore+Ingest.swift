import Foundation
import HopHubCore
import HopProtocol
import Logging
import PostgresNIO

/// Ingest: every write of a group commit in one transaction, each in its own savepoint.
///
/// Exactly once per `(edge_id, seq)`, also across hub replicas sharing the database: before any
/// write is applied, the transaction locks the `edges` row of every edge in the group, in edge id
/// order (creating a placeholder row for an edge never seen, so a new edge has a row to lock; the
/// unique key makes a second replica wait on it). A write is then checked against the edge's
/// high-water mark while this transaction holds the row, and raises the mark in the same commit as
/// its data. A replica committing the same batch waits for the lock, then (READ COMMITTED reads the
/// locked row's newest version) finds the raised mark and answers `duplicate`. Placeholders of
/// edges whose writes were all refused are removed before the commit.
///
/// The head takes a write's readings as new rows (``HeadBlocks``) and never updates one, so groups
/// committing at once do not wait for each other there. What the stored writes add beside the
/// head (minute rollups, latest readings, substations) is upserted once per group, after every
/// write was applied: one statement per table, its rows in key order, and the tables always in the
/// same order, so that groups committing at once on several connections (``concurrentCommits``)
/// take their row locks in one order. A deadlock between groups all the same is retried.
extension PostgresStore: IngestStore {
    /// `high_water_seq` of a placeholder row: no batch of that edge is stored yet.
    static let placeholderSeq = Int64.min

    public var concurrentCommits: Int { settings.ingestTransactions }

    public func commit(_ writes: [IngestWrite]) async throws -> [IngestOutcome] {
        var attempt = 1
        while true {
            do {
                return try await commitOnce(writes)
            } catch where attempt < Self.deadlockAttempts && Self.isDeadlock(error) {
                logger.info("group commit chosen as a deadlock victim; committing it again",
                            metadata: ["writes": "\(writes.count)", "attempt": "\(attempt)"])
                attempt += 1
            }
        }
    }

    /// Times a group is tried when PostgreSQL ends it as a deadlock victim.
    static let deadlockAttempts = 3

    private func commitOnce(_ writes: [IngestWrite]) async throws -> [IngestOutcome] {
        let logger = self.logger
        let heads = writes.map { HeadBlocks($0.telemetry) }
        return try await transaction { connection in
            let edges = Set(writes.compactMap { $0.edge?.id.rawValue }).sorted()
            if !edges.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO edges (edge_id, high_water_seq, last_contact, key_name)
                    SELECT id, \(Self.placeholderSeq), 0, '' FROM unnest(\(PostgresArray(edges))::text[]) AS id ORDER BY id
                    ON CONFLICT (edge_id) DO NOTHING
                    """, logger: logger)
                try await connection.query(
                    "SELECT edge_id FROM edges WHERE edge_id = ANY(\(PostgresArray(edges))::text[]) ORDER BY edge_id FOR UPDATE", logger: logger)
            }
            var outcomes: [IngestOutcome] = []
            outcomes.reserveCapacity(writes.count)
            for (write, head) in zip(writes, heads) {
                outcomes.append(try await Self.apply(write, head: head, connection, logger: logger))
            }
            let stored = heads.indices.filter { outcomes[$0] == .stored && !heads[$0].readings.isEmpty }.map { ($0, heads[$0]) }
            if !stored.isEmpty {
                // Each series' readings together and in time order: the rollups add them minute by minute.
                try await Self.upsertRollups(MinuteRollup.build(stored.lazy.flatMap(\.1.readings)), connection, logger: logger)
                let newest = HeadBlocks.newest(stored)
                try await Self.upsertLatest(newest, connection, logger: logger)
                try await Self.upsertSubstations(newest, connection, logger: logger)
            }
            if !edges.isEmpty {
                try await connection.query(
                    "DELETE FROM edges WHERE edge_id = ANY(\(PostgresArray(edges))::text[]) AND high_water_seq = \(Self.placeholderSeq)",
                    logger: logger)
            }
            return outcomes
        }
    }

    /// Applies one write inside a savepoint: all of it or none of it.
    static func apply(_ write: IngestWrite, head: HeadBlocks, _ connection: PostgresConnection, logger: Logger) async throws
        -> IngestOutcome
    {
        var outcome = IngestOutcome.stored
        try await savepoint(connection, logger: logger) {
            var edgeSubstations = Set<String>()
            if let edge = write.edge {
                let rows = try await connection.query(
                    "SELECT high_water_seq, substations, key_name FROM edges WHERE edge_id = \(edge.id.rawValue)", logger: logger)
                for try await (seq, substations, key) in rows.decode((Int64, String, String).self) where seq != placeholderSeq {
                    if key != edge.keyName {
                        outcome = .conflict("edge_id \(edge.id) is registered to another API key; each edge uploads with its own key")
                        return false
                    }
                    if edge.seq <= seq {
                        outcome = .duplicate
                        return false
                    }
                    if !substations.isEmpty { edgeSubstations.formUnion(substations.split(separator: ",").map(String.init)) }
                }
            }
            for o in write.outages {
                if let owner = try await ownerConflict(o, connection, logger: logger) {
                    outcome = .conflict(owner)
                    return false
                }
            }
            try await insertTelemetry(head, arrival: write.arrival, connection, logger: logger)
            try await insertEvents(write.events, arrival: write.arrival, connection, logger: logger)
            try await upsertOutages(write.outages, arrival: write.arrival, connection, logger: logger)
            if let edge = write.edge {
                edgeSubstations.formUnion(write.telemetry.map(\.substationID.rawValue))
                edgeSubstations.formUnion(write.events.compactMap(\.substationID?.rawValue))
                edgeSubstations.formUnion(write.health?.devices.map(\.substationID.rawValue) ?? [])
                let health = try write.health.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
                let substations = edgeSubstations.sorted().joined(separator: ",")
                try await connection.query(
                    """
                    INSERT INTO edges (edge_id, high_water_seq, last_contact, key_name, substations, health_json)
                    VALUES (\(edge.id.rawValue), \(edge.seq), \(write.arrival), \(edge.keyName), \(substations), \(health))
                    ON CONFLICT (edge_id) DO UPDATE SET high_water_seq = excluded.high_water_seq,
                      last_contact = excluded.last_contact, key_name = excluded.key_name,
                      substations = excluded.substations, health_json = coalesce(excluded.health_json, edges.health_json)
                    """, logger: logger)
            }
            return true
        }
        return outcome
    }

    static func ownerConflict(_ o: StoredOutage, _ connection: PostgresConnection, logger: Logger) async throws -> String? {
        let rows = try await connection.query(
            "SELECT substation_id FROM outages WHERE outage_id = \(o.outage.outageID.rawValue)", logger: logger)
        for try await existing in rows.decode(String?.self) {
            guard let new = o.substationID?.rawValue, new != existing else { return nil }
            return "outage_id \(o.outage.outageID) already belongs to another substation; an outage's substation is fixed at its first report"
        }
        return nil
    }
}
