extension PostgresSchema {
    /// Migration `scores-v1`: anomaly scores and their ten-minute peaks (docs/hub-storage.md,
    /// "Score peaks"). As on SQLite, a trigger keeps `score_peaks` equal to what `scores` holds
    /// whoever writes there: every inserted, updated or deleted row recomputes its period.
    static let scores = PostgresMigration("scores-v1", [
        """
        CREATE TABLE scores (
          substation_id text NOT NULL,
          ts bigint NOT NULL,
          anomaly_score double precision NOT NULL, is_anomaly boolean NOT NULL, z_score double precision NOT NULL,
          baseline_mean double precision NOT NULL, baseline_std double precision NOT NULL,
          latest_value double precision NOT NULL, model_version text NOT NULL,
          PRIMARY KEY (substation_id, ts))
        """,
        "CREATE INDEX scores_ts ON scores (ts)",
        "CREATE INDEX scores_anomalies ON scores (substation_id, ts) WHERE is_anomaly",
        """
        CREATE TABLE score_peaks (
          substation_id text NOT NULL,
          period bigint NOT NULL,
          ts bigint NOT NULL,
          anomaly_score double precision NOT NULL, z_score double precision NOT NULL,
          baseline_mean double precision NOT NULL, baseline_std double precision NOT NULL,
          latest_value double precision NOT NULL, model_version text NOT NULL,
          PRIMARY KEY (substation_id, period))
        """,
        """
        CREATE FUNCTION hop_score_peak_recompute(sub text, at bigint) RETURNS void LANGUAGE sql AS $$
          DELETE FROM score_peaks WHERE substation_id = sub AND period = at - (((at % 600000) + 600000) % 600000);
          INSERT INTO score_peaks (substation_id, period, ts, anomaly_score, z_score, baseline_mean, baseline_std,
                                   latest_value, model_version)
          SELECT substation_id, at - (((at % 600000) + 600000) % 600000), ts, anomaly_score, z_score, baseline_mean,
                 baseline_std, latest_value, model_version
          FROM scores
          WHERE substation_id = sub AND NOT is_anomaly
            AND ts >= at - (((at % 600000) + 600000) % 600000) AND ts < at - (((at % 600000) + 600000) % 600000) + 600000
          ORDER BY anomaly_score DESC, ts LIMIT 1;
        $$
        """,
        """
        CREATE FUNCTION hop_score_peaks_follow() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('DELETE', 'UPDATE') THEN PERFORM hop_score_peak_recompute(OLD.substation_id, OLD.ts); END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM hop_score_peak_recompute(NEW.substation_id, NEW.ts); END IF;
          RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER score_peaks_follow AFTER INSERT OR UPDATE OR DELETE ON scores
          FOR EACH ROW EXECUTE FUNCTION hop_score_peaks_follow()
        """,
    ])
}
