import Foundation
import HopHubCore
import HopHubPostgres
import Logging

@testable import HopHubSQLite

/// One test's database on one backend: a fresh SQLite file, or a fresh database of the test
/// cluster (`PostgresTestCluster`). Each `open()` is another hub process's store on it, so tests
/// of state surviving a restart or shared by two processes run the same on both backends.
struct TestDatabase: Sendable {
    typealias Backend = StoreContractTests.Backend

    let backend: Backend
    private let sqlitePath: String?
    private let postgres: PostgresSettings?

    static func fresh(_ backend: Backend) async throws -> TestDatabase {
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-db-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return TestDatabase(backend: backend, sqlitePath: dir.appendingPathComponent("hop.sqlite").path, postgres: nil)
        case .postgres:
            return TestDatabase(backend: backend, sqlitePath: nil, postgres: try await PostgresTestCluster.shared.freshDatabase())
        }
    }

    /// The SQLite database at `sqlitePath` (a hub's data directory's).
    init(sqlitePath: String) {
        self.init(backend: .sqlite, sqlitePath: sqlitePath, postgres: nil)
    }

    private init(backend: Backend, sqlitePath: String?, postgres: PostgresSettings?) {
        self.backend = backend
        self.sqlitePath = sqlitePath
        self.postgres = postgres
    }

    /// A store on a fresh database of `backend`.
    static func store(_ backend: Backend) async throws -> any HubBackend {
        try await fresh(backend).open()
    }

    /// Opens another store (another process's connection or pool) on this database.
    func open() async throws -> any HubBackend {
        if let sqlitePath { return try SQLiteStore(path: sqlitePath) }
        return try await PostgresStore.open(settings: postgres!, logger: Logger(label: "test"))
    }
}
