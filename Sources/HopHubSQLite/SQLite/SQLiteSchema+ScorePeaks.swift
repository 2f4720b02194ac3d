import GRDB

extension SQLiteSchema {
    /// `score_peaks`: per substation and ten-minute period, a copy of its highest normal score (the
    /// earliest of equal ones), which `ml/trend` thins long ranges with instead of reading every
    /// score (docs/hub-storage.md, "Score peaks"). Triggers keep it equal to what `scores` holds
    /// whoever writes there (the scorer, retention, a restore with the sqlite3 CLI): every insert,
    /// update or delete recomputes its period from the period's scores (at most ten at one a
    /// minute). `scores_anomalies` finds the anomalies, which the trend keeps whole.
    static func scorePeaks(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE score_peaks (
                substation_id TEXT NOT NULL,
                period INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                anomaly_score REAL NOT NULL, z_score REAL NOT NULL,
                baseline_mean REAL NOT NULL, baseline_std REAL NOT NULL, latest_value REAL NOT NULL,
                model_version TEXT NOT NULL,
                PRIMARY KEY (substation_id, period)
            ) WITHOUT ROWID;
            CREATE INDEX scores_anomalies ON scores(substation_id, ts) WHERE is_anomaly = 1;
            """)
        for (event, row) in [("INSERT", "new"), ("DELETE", "old"), ("UPDATE", "old"), ("UPDATE", "new")] {
            let name = "score_peaks_\(event.lowercased())_\(row)"
            try db.execute(sql: """
                CREATE TRIGGER \(name) AFTER \(event) ON scores BEGIN
                  \(recompute(substation: "\(row).substation_id", ts: "\(row).ts"))
                END;
                """)
        }
        try db.execute(sql: """
            INSERT INTO score_peaks (substation_id, period, ts, anomaly_score, z_score, baseline_mean, baseline_std, latest_value, model_version)
            SELECT substation_id, period, ts, anomaly_score, z_score, baseline_mean, baseline_std, latest_value, model_version FROM (
              SELECT *, \(period("ts")) AS period,
                row_number() OVER (PARTITION BY substation_id, \(period("ts")) ORDER BY anomaly_score DESC, ts) AS place
              FROM scores WHERE is_anomaly = 0)
            WHERE place = 1;
            """)
    }

    /// Start of the ten-minute period holding `ts` (floor, also for negative times).
    static func period(_ ts: String) -> String { "(\(ts) - (((\(ts) % 600000) + 600000) % 600000))" }

    /// Statements that make the peak of the period holding `ts` agree with `scores`.
    static func recompute(substation: String, ts: String) -> String {
        let p = period(ts)
        return """
            DELETE FROM score_peaks WHERE substation_id = \(substation) AND period = \(p);
              INSERT INTO score_peaks (substation_id, period, ts, anomaly_score, z_score, baseline_mean, baseline_std, latest_value, model_version)
              SELECT substation_id, \(p), ts, anomaly_score, z_score, baseline_mean, baseline_std, latest_value, model_version FROM scores
              WHERE substation_id = \(substation) AND ts >= \(p) AND ts < \(p) + 600000 AND is_anomaly = 0
              ORDER BY anomaly_score DESC, ts LIMIT 1;
            """
    }
}
