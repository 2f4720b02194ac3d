import HopHubCore
import Logging
import PostgresNIO

/// The server store: a PostgreSQL database that several hub replicas can share. It implements the
/// same store protocols as `SQLiteStore` and is held to the same contract tests; each protocol
/// lives in its own `PostgresStore+Feature.swift`, each feature's tables in `PostgresSchema+Feature.swift`.
///
/// The store owns the client's `run()` task: `open` must apply the migrations before the hub is
/// built (before any `ServiceGroup` runs), and command-line tools open stores without one.
/// `close()` (the hub's `StoreCloser`, last at shutdown) ends it.
public final class PostgresStore: Sendable {
    /// The connection pool; routes use the protocols, tools and tests may query it directly.
    public let client: PostgresClient
    /// Where the store connects, password left out.
    public let settings: PostgresSettings
    let logger: Logger
    private let running: Task<Void, Never>

    private init(client: PostgresClient, settings: PostgresSettings, logger: Logger) {
        self.client = client
        self.settings = settings
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Connects to the database of `settings` and applies the migrations it lacks (once across
    /// replicas starting together: see `PostgresMigrator`). Throws `PostgresStoreError` naming the
    /// database (never its password) when it cannot be migrated, or reached within `timeout` (the
    /// pool retries a refused connection with back-off and logs each attempt's error).
    public static func open(settings: PostgresSettings, logger: Logger, timeout: Duration = .seconds(30)) async throws -> PostgresStore {
        let client = PostgresClient(configuration: try clientConfiguration(settings), backgroundLogger: logger)
        let store = PostgresStore(client: client, settings: settings, logger: logger)
        do {
            let migrated = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await PostgresMigrator(client: client, logger: logger).migrate(PostgresSchema.migrations)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                let first = try await group.next() ?? false
                // Closing ends a migration still waiting for a connection, which the group awaits.
                if !first { try? await store.close() }
                group.cancelAll()
                return first
            }
            guard migrated else { throw OpenTimeout(timeout: timeout) }
        } catch {
            try? await store.close()
            throw PostgresStoreError(database: settings.description, operation: "opening", underlying: error)
        }
        return store
    }

    /// No connection (or no migration lock) within the time `open` waits.
    struct OpenTimeout: Error, CustomStringConvertible {
        var timeout: Duration
        var description: String { "no connection within \(timeout) (the log shows each attempt's error)" }
    }

    /// Ends the client's task: open connections close, later queries fail.
    public func close() async throws {
        running.cancel()
        await running.value
    }
}
