extension PostgresSchema {
    /// Migration `alert-pending-v1`: causes waiting for their alert decision — stored trips and
    /// restores (`alert_pending`, written with the event by ingest) and ANOMALY scores
    /// (`alert_pending_scores`, written with the scorer's pass) — each deleted with its decision;
    /// `claimed_until` is 0 until a replica claims the row (docs/hub-storage.md, "Alert decisions").
    static let alertPending = PostgresMigration("alert-pending-v1", [
        """
        CREATE TABLE alert_pending (
          event_id bigint PRIMARY KEY,
          created_at bigint NOT NULL,
          claimed_until bigint NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE alert_pending_scores (
          substation_id text NOT NULL,
          ts bigint NOT NULL,
          created_at bigint NOT NULL,
          claimed_until bigint NOT NULL DEFAULT 0,
          PRIMARY KEY (substation_id, ts))
        """,
    ])
}
