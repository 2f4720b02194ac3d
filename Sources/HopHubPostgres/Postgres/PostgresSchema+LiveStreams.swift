extension PostgresSchema {
    /// Migration `live-streams-v1`: the open live streams of every hub replica, for the per-caller
    /// stream limit over all of them (docs/hub-storage.md, "Several replicas and failover").
    static let liveStreams = PostgresMigration("live-streams-v1", [
        """
        CREATE TABLE live_streams (
          id uuid PRIMARY KEY,
          caller text NOT NULL,
          opened_at bigint NOT NULL,
          seen_at bigint NOT NULL)
        """,
        "CREATE INDEX live_streams_caller ON live_streams (caller, seen_at)",
    ])
}
