import Logging
import PostgresNIO

/// Applies the migrations a database lacks, in order, each in its own transaction together with
/// its row in `hop_migrations`. Every transaction first takes a transaction-scoped advisory lock,
/// so hub replicas starting together against one database apply each migration exactly once: the
/// second waits for the first to commit, then finds the migration recorded and skips it.
struct PostgresMigrator: Sendable {
    /// `pg_advisory_xact_lock` key of the migrations ("hopmigr" in ASCII); released at commit or rollback.
    static let lockKey: Int64 = 0x686F_706D_6967_72
    let client: PostgresClient
    let logger: Logger
    let closes = ConnectionCloseWatch()

    /// Applies each of `migrations` not yet recorded; returns the names applied by this call.
    @discardableResult
    func migrate(_ migrations: [PostgresMigration]) async throws -> [String] {
        var applied: [String] = []
        for migration in migrations {
            let ran = try await PostgresStore.transaction(client, closes: closes, logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS hop_migrations (
                      name text PRIMARY KEY,
                      applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                let rows = try await connection.query("SELECT 1 FROM hop_migrations WHERE name = \(migration.name)", logger: logger)
                for try await _ in rows { return false }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO hop_migrations (name) VALUES (\(migration.name))", logger: logger)
                return true
            }
            if ran {
                logger.info("PostgreSQL migration applied", metadata: ["migration": "\(migration.name)"])
                applied.append(migration.name)
            }
        }
        return applied
    }
}
