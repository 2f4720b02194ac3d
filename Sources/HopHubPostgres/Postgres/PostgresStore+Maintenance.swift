import HopHubCore
import PostgresNIO

extension PostgresStore: MaintenanceStore {
    public func databaseSizeBytes() async throws -> Int64 {
        let rows = try await fetch("SELECT pg_database_size(current_database())")
        for size in try rows.decode(Int64.self) { return size }
        return 0
    }

    /// Answers within 3 s: `StoreUnavailable` at once while the store knows it has no primary, or
    /// when the primary does not answer in time (the pool would otherwise wait for a connection).
    public func ping() async throws {
        if let unavailable = primary.unavailable { throw unavailable.during("a ping") }
        let (client, logger) = (self.client, self.logger)
        do {
            try await withDeadline(.seconds(3), what: "SELECT 1") {
                for try await _ in try await client.query("SELECT 1", logger: logger) {}
            }
        } catch {
            throw storeError(error, operation: "a ping")
        }
    }
}
