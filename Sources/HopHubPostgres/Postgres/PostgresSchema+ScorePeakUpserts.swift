extension PostgresSchema {
    /// Migration `score-peaks-v2`, for `ml/trend` over long ranges (docs/hub-storage.md, "Score peaks"):
    /// - The trigger on `scores` writes a period's peak only when a score beats it. An inserted
    ///   normal score is upserted into its period's row, replacing it only when higher (or equal and
    ///   earlier); a deleted or rewritten row recomputes its period only when it was the peak. The
    ///   first trigger rewrote the peak for every score (a delete and an insert): about ten dead
    ///   rows per live one until vacuumed, all visited by the trend's reads.
    /// - The primary key carries every column (`INCLUDE`), so a substation's peaks are read from the
    ///   index in period order, without visiting the table, whose pages interleave all substations.
    static let scorePeakUpserts = PostgresMigration("score-peaks-v2", [
        """
        ALTER TABLE score_peaks DROP CONSTRAINT score_peaks_pkey,
          ADD PRIMARY KEY (substation_id, period)
            INCLUDE (ts, anomaly_score, z_score, baseline_mean, baseline_std, latest_value, model_version)
        """,
        """
        CREATE FUNCTION hop_score_peak_offer(s scores) RETURNS void LANGUAGE sql AS $$
          INSERT INTO score_peaks AS p (substation_id, period, ts, anomaly_score, z_score, baseline_mean, baseline_std,
                                        latest_value, model_version)
          VALUES (s.substation_id, s.ts - (((s.ts % 600000) + 600000) % 600000), s.ts, s.anomaly_score, s.z_score,
                  s.baseline_mean, s.baseline_std, s.latest_value, s.model_version)
          ON CONFLICT (substation_id, period) DO UPDATE
            SET ts = EXCLUDED.ts, anomaly_score = EXCLUDED.anomaly_score, z_score = EXCLUDED.z_score,
                baseline_mean = EXCLUDED.baseline_mean, baseline_std = EXCLUDED.baseline_std,
                latest_value = EXCLUDED.latest_value, model_version = EXCLUDED.model_version
            WHERE EXCLUDED.anomaly_score > p.anomaly_score
               OR (EXCLUDED.anomaly_score = p.anomaly_score AND EXCLUDED.ts < p.ts);
        $$
        """,
        """
        CREATE OR REPLACE FUNCTION hop_score_peaks_follow() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('DELETE', 'UPDATE') AND NOT OLD.is_anomaly AND EXISTS (
               SELECT 1 FROM score_peaks WHERE substation_id = OLD.substation_id
                 AND period = OLD.ts - (((OLD.ts % 600000) + 600000) % 600000) AND ts = OLD.ts) THEN
            PERFORM hop_score_peak_recompute(OLD.substation_id, OLD.ts);
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') AND NOT NEW.is_anomaly THEN
            PERFORM hop_score_peak_offer(NEW);
          END IF;
          RETURN NULL;
        END
        $$
        """,
    ])
}
