import GRDB

extension SQLiteSchema {
    /// `telemetry_ten_minutes`: the ten-minute statistics tier, one row per series per UTC day
    /// (docs/hub-storage.md, "Ten-minute statistics"). Derived from `telemetry_minutes`, which
    /// stays the source: every write of a block's minute statistics rebuilds its day here in the
    /// same transaction. The migration builds the tier from the minute statistics already stored.
    static func tenMinutes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE telemetry_ten_minutes (
                substation_id TEXT NOT NULL,
                feeder_id TEXT NOT NULL,
                day_start INTEGER NOT NULL,
                periods INTEGER NOT NULL,
                data BLOB NOT NULL
            );
            CREATE UNIQUE INDEX telemetry_ten_minutes_day ON telemetry_ten_minutes(substation_id, day_start, feeder_id);
            """)
        var days = Set<SQLiteStore.SeriesDay>()
        let rows = try Row.fetchCursor(db, sql: "SELECT substation_id, feeder_id, block_start FROM telemetry_minutes")
        while let row = try rows.next() {
            days.insert(SQLiteStore.SeriesDay(substation: row[0], feeder: row[1], day: SQLiteStore.tierDay(row[2])))
        }
        for d in days { try SQLiteStore.rebuildTenMinutes(db, substation: d.substation, feeder: d.feeder, day: d.day) }
    }
}
