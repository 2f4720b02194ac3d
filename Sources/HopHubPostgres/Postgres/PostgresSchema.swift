/// The hub's PostgreSQL schema as ordered migrations, one group of tables per feature
/// (`PostgresSchema+Feature.swift`). A migration, once released, is never edited: later changes are
/// new migrations appended here. docs/hub-storage.md describes the tables.
enum PostgresSchema {
    static let migrations: [PostgresMigration] = [
        telemetry, scores, audit, accounts, keys, alerting, alarms, liveStreams, alertPending, scorePeakUpserts, scorePeakHours,
        telemetryHead,
    ]
}
