import GRDB

extension SQLiteSchema {
    /// `telemetry_chunks`: compressed readings, one row per series (substation, feeder) per
    /// `TelemetryChunking.blockMs` block (docs/chunk-format.md for `data`). The `telemetry` table
    /// stays as the head: ingest writes there, compaction moves closed stretches of it into chunks.
    /// A database written before this migration needs nothing else: its readings are the head,
    /// compacted in the background after the upgrade.
    static func chunks(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE telemetry_chunks (
                substation_id TEXT NOT NULL,
                feeder_id TEXT NOT NULL,
                block_start INTEGER NOT NULL,
                first_ts INTEGER NOT NULL,
                last_ts INTEGER NOT NULL,
                points INTEGER NOT NULL,
                data BLOB NOT NULL
            );
            CREATE UNIQUE INDEX telemetry_chunks_series ON telemetry_chunks(substation_id, feeder_id, block_start);
            CREATE INDEX telemetry_chunks_last_ts ON telemetry_chunks(last_ts);
            """)
    }
}
