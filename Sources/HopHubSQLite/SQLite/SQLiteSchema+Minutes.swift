import GRDB

extension SQLiteSchema {
    /// `telemetry_minutes`: the per-minute statistics of compacted readings, one row per series per
    /// `TelemetryChunking.blockMs` block (docs/chunk-format.md, "Minute statistics"). Compaction
    /// writes it with the block's chunk and removes the block's `telemetry_1m` rows, which from then
    /// on hold only minutes whose readings are still in the head. Blocks compacted before this
    /// migration keep their `telemetry_1m` rows until retention removes them; reads combine both.
    static func minutes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE telemetry_minutes (
                substation_id TEXT NOT NULL,
                feeder_id TEXT NOT NULL,
                block_start INTEGER NOT NULL,
                minutes INTEGER NOT NULL,
                last_minute INTEGER NOT NULL,
                data BLOB NOT NULL
            );
            CREATE UNIQUE INDEX telemetry_minutes_block ON telemetry_minutes(substation_id, block_start, feeder_id);
            """)
    }
}
