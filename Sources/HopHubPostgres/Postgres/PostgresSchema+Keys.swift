extension PostgresSchema {
    /// Migration `keys-v1`: API keys, only the SHA-256 digest of each secret. At most one active
    /// (not revoked) key per name: the partial unique index decides between concurrent creates,
    /// whichever replica they reach.
    static let keys = PostgresMigration("keys-v1", [
        """
        CREATE TABLE api_keys (
          id text PRIMARY KEY,
          name text NOT NULL,
          secret_hash text NOT NULL,
          scopes text NOT NULL,
          substations text NOT NULL,
          created_at bigint NOT NULL,
          revoked_at bigint)
        """,
        "CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL",
    ])
}
