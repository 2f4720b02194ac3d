extension PostgresSchema {
    /// Migration `audit-v1`: the append-only audit log (docs/audit.md). Triggers make UPDATE,
    /// DELETE and TRUNCATE fail, so neither a bug nor retention can rewrite history. Ids come from
    /// an identity column: several replicas append at once, each row gets its own.
    static let audit = PostgresMigration("audit-v1", [
        """
        CREATE TABLE audit_log (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          at bigint NOT NULL,
          actor text NOT NULL,
          action text NOT NULL,
          target text,
          source_address text,
          outcome text NOT NULL,
          detail text NOT NULL)
        """,
        "CREATE INDEX audit_log_at ON audit_log (at)",
        "CREATE INDEX audit_log_actor ON audit_log (actor, at)",
        """
        CREATE FUNCTION hop_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'restrict_violation';
        END
        $$
        """,
        """
        CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
          FOR EACH ROW EXECUTE FUNCTION hop_audit_log_append_only()
        """,
        """
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
          FOR EACH STATEMENT EXECUTE FUNCTION hop_audit_log_append_only()
        """,
    ])
}
