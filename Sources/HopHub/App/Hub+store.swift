import Foundation
import HopHubCore
import HopHubPostgres
import HopHubSQLite
import Logging

/// Opening the store backend the configuration names (`store: sqlite | postgres`).
extension Hub {
    /// Opens (creating and migrating) the configured backend: the SQLite file in the data
    /// directory, or the PostgreSQL database of `postgres.*` (waiting for its migrations, which
    /// several replicas starting together apply once).
    public static func openBackend(_ configuration: HubConfiguration, logger: Logger) async throws -> any HubBackend {
        switch configuration.store {
        case .sqlite:
            return try openStore(configuration)
        case .postgres:
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            return try await PostgresStore.open(settings: configuration.postgres, logger: logger)
        }
    }

    /// Creates the data directory if needed and opens (migrating) its SQLite database.
    public static func openStore(_ configuration: HubConfiguration) throws -> SQLiteStore {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        return try SQLiteStore(path: configuration.databasePath)
    }
}
