import HopHubCore
import PostgresNIO

extension PostgresStore: MaintenanceStore {
    public func databaseSizeBytes() async throws -> Int64 {
        let rows = try await client.query("SELECT pg_database_size(current_database())", logger: logger)
        for try await size in rows.decode(Int64.self) { return size }
        return 0
    }

    public func ping() async throws {
        let rows = try await client.query("SELECT 1", logger: logger)
        for try await _ in rows {}
    }
}
