import GRDB

extension SQLiteSchema {
    /// The head (`telemetry`) stored in key order, `(substation_id, ts, feeder_id)`, instead of
    /// arrival order with an index beside it. A series-block is then one contiguous key range:
    /// compaction reads it without a sort or row lookups, and deleting it empties whole pages,
    /// which SQLite frees without writing them again (the rowid table's rows of one block were
    /// spread over pages shared with every other substation, each rewritten on delete). The key
    /// also holds one reading per series and source time, so a later write replaces the earlier
    /// one at ingest (`INSERT OR REPLACE`), as chunks and queries already resolved it.
    ///
    /// The rows are copied in write order, so of two readings of one series and source time the
    /// later one is kept. A database migrated through `v6-telemetry-chunks` on the way here (its
    /// whole history still in the head) is copied whole; a v8 database's head holds minutes.
    static func clusteredHead(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE telemetry_head (
                ts INTEGER NOT NULL,
                substation_id TEXT NOT NULL,
                feeder_id TEXT NOT NULL,
                device_id TEXT,
                site_name TEXT,
                latitude REAL,
                longitude REAL,
                voltage_kv REAL,
                current_a REAL,
                power_mw REAL,
                frequency_hz REAL,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (substation_id, ts, feeder_id)
            ) WITHOUT ROWID;
            INSERT OR REPLACE INTO telemetry_head SELECT * FROM telemetry ORDER BY rowid;
            DROP TABLE telemetry;
            ALTER TABLE telemetry_head RENAME TO telemetry;
            """)
    }
}
