import GRDB
import HopProtocol

/// The journal's on-disk schema (docs/edge-journal.md describes it for humans).
enum JournalSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE record (
                        id   INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind INTEGER NOT NULL,
                        at   INTEGER NOT NULL,
                        ts   INTEGER NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX record_kind_id ON record(kind, id);
                    CREATE TABLE batch (
                        seq             INTEGER PRIMARY KEY,
                        first_id        INTEGER NOT NULL,
                        last_id         INTEGER NOT NULL,
                        records         INTEGER NOT NULL,
                        sealed_at       INTEGER NOT NULL,
                        attempts        INTEGER NOT NULL DEFAULT 0,
                        last_attempt_at INTEGER,
                        last_error      TEXT
                    );
                    CREATE TABLE quarantine (
                        seq            INTEGER PRIMARY KEY,
                        quarantined_at INTEGER NOT NULL,
                        status         INTEGER NOT NULL,
                        reason         TEXT NOT NULL,
                        records        INTEGER NOT NULL,
                        body           BLOB NOT NULL
                    );
                    CREATE TABLE device_state (
                        name  TEXT PRIMARY KEY,
                        state BLOB NOT NULL
                    );
                    CREATE TABLE meta (
                        key   TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    );
                    """)
            // seq starts at the creation time in epoch ms, so a journal recreated from scratch still
            // sends seqs above any the hub has already seen from this edge.
            try setMeta(db, .nextSeq, SourceClock.nowMilliseconds())
        }
        return migrator
    }

    /// Integer settings and counters in the `meta` table.
    enum Key: String, CaseIterable {
        case nextSeq = "next_seq"
        case sealedThrough = "sealed_through"
        case evictedTelemetry = "evicted_telemetry"
        case evictedEvents = "evicted_events"
        case quarantinedTotal = "quarantined_total"
        case ackedRecords = "acked_records"
        case lastAckSeq = "last_ack_seq"
        case lastAckAt = "last_ack_at"
        case agentPID = "agent_pid"
        case agentStartedAt = "agent_started_at"
    }

    static func meta(_ db: Database, _ key: Key) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key.rawValue]) ?? 0
    }

    static func setMeta(_ db: Database, _ key: Key, _ value: Int64) throws {
        try db.execute(
            sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key.rawValue, value])
    }

    static func addMeta(_ db: Database, _ key: Key, _ delta: Int64) throws {
        guard delta != 0 else { return }
        try setMeta(db, key, try meta(db, key) + delta)
    }
}

/// Wall-clock milliseconds (the journal's `at` column).
enum SourceClock {
    static func nowMilliseconds() -> Int64 {
        SourceTime.now().epochMilliseconds
    }
}
