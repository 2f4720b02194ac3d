import HopHubCore
import Logging
import PostgresNIO

/// The server store: a PostgreSQL database that several hub replicas can share. It implements the
/// same store protocols as `SQLiteStore` and is held to the same contract tests; each protocol
/// lives in its own `PostgresStore+Feature.swift`, each feature's tables in `PostgresSchema+Feature.swift`.
///
/// `postgres.url` may name several servers (a primary and its standbys): the store connects to the
/// one that takes writes, and `PostgresPrimaryWatch` (a service the hub runs) finds the promoted
/// standby by itself when that one is lost. The store owns its pool's `run()` task: `open` must
/// apply the migrations before the hub is built (before any `ServiceGroup` runs), and command-line
/// tools open stores without one. `close()` (the hub's `StoreCloser`, last at shutdown) ends it.
public final class PostgresStore: Sendable {
    /// The connection pool on the current primary; routes use the protocols, tools and tests may
    /// query it directly. Read it for each operation: after a failover it is a new pool.
    public var client: PostgresClient { primary.client }
    /// Where the store connects, password left out.
    public let settings: PostgresSettings
    let logger: Logger
    let primary: PostgresPrimary
    /// Decoded ten-minute tier rows of the frequency plot's reads (``TierColumnsCache``): a past
    /// day's row changes only when compaction or retention rewrites it.
    let tierCache = TierColumnsCache()

    private init(primary: PostgresPrimary, settings: PostgresSettings, logger: Logger) {
        self.primary = primary
        self.settings = settings
        self.logger = logger
    }

    /// Finds the primary among the servers of `settings`, connects to it and applies the migrations
    /// it lacks (once across replicas starting together: see `PostgresMigrator`). Throws
    /// `PostgresStoreError` naming the database (never its password) when no server takes writes
    /// or the migrations fail.
    public static func open(settings: PostgresSettings, logger: Logger, timeout: Duration = .seconds(30)) async throws -> PostgresStore {
        let found: PostgresEndpoint
        // `timeout` is generous by default: a server just started, or a loaded machine, may take seconds to answer at first.
        switch await PostgresPrimaryFinder(settings: settings, timeout: timeout, logger: logger).find() {
        case .success(let endpoint): found = endpoint
        case .failure(let unavailable):
            throw PostgresStoreError(database: settings.description, operation: "opening", underlying: unavailable)
        }
        let store = PostgresStore(
            primary: try PostgresPrimary(settings: settings, endpoint: found, logger: logger), settings: settings, logger: logger)
        do {
            try await PostgresMigrator(client: store.client, logger: logger).migrate(PostgresSchema.migrations)
        } catch {
            try? await store.close()
            throw PostgresStoreError(database: settings.description, operation: "opening", underlying: error)
        }
        if settings.endpoints.count > 1 { logger.info("PostgreSQL primary", metadata: ["server": "\(found)"]) }
        return store
    }

    /// Ends the pool: open connections close, later queries fail.
    public func close() async throws {
        await primary.close()
    }
}
