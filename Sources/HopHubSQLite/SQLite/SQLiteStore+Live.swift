import HopHubCore
import Foundation
import GRDB
import HopProtocol

/// The live feed's read-backs over SQLite; row mapping mirrors `SQLiteStore+Queries`.
extension SQLiteStore: LiveLookups {
    public func newestEventID() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM events") ?? 0 }
    }

    public func events(afterID: Int64, receivedSince: Int64, limit: Int) async throws -> [EventRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE id > ? AND received_at >= ? ORDER BY id LIMIT ?",
                arguments: [afterID, receivedSince, limit]
            ).map(Self.eventRecord)
        }
    }

    public func outages(ids: Set<OutageID>) async throws -> [OutageRecord] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM outages WHERE outage_id IN (\(marks)) ORDER BY ts",
                arguments: StatementArguments(ids.map(\.rawValue).sorted())
            ).map(Self.outageRecord)
        }
    }

    public func edges(ids: Set<EdgeID>) async throws -> [EdgeRecord] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        // Decoded inside the read, as in `edges(scope:)`: returning `[Row]` would select GRDB's blocking `read`.
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM edges WHERE edge_id IN (\(marks)) ORDER BY edge_id",
                arguments: StatementArguments(ids.map(\.rawValue).sorted())
            ).compactMap { Self.edgeRecord($0, scope: .all) }
        }
    }

    public func activeKeyIDs() async throws -> Set<String> {
        Set(try await keys().filter { $0.revokedAt == nil }.map(\.id))
    }

    public func liveSessionHashes(among idHashes: Set<String>, now: Int64, idleBefore: Int64) async throws -> Set<String> {
        guard !idHashes.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: idHashes.count).joined(separator: ",")
        return try await pool.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT s.id_hash FROM sessions s JOIN users u ON u.id = s.user_id
                        WHERE s.id_hash IN (\(marks)) AND s.expires_at > ? AND s.last_seen > ? AND u.active = 1
                        """,
                    arguments: StatementArguments(idHashes.sorted()) + [now, idleBefore]))
        }
    }
}
