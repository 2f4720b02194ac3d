import Foundation
import HopHubCore
import HopHubPostgres
import Logging
import PostgresNIO

/// The throwaway PostgreSQL 15 cluster of this test process, and a fresh database per test.
///
/// The cluster is the one named by `HOP_TEST_POSTGRES_URL` (scripts/test starts one with
/// `scripts/pg-throwaway` and stops it by PID when the run ends), else one this process starts
/// with the same script on first use, which stops it once the process has exited. A migrated
/// template database is made once per process; each test's database is a copy of it
/// (`CREATE DATABASE … TEMPLATE`, a file copy: milliseconds, no migrations per test).
///
/// PostgreSQL missing is a failure, never a skip: the script's message says to run scripts/setup.
/// `HOP_SKIP_POSTGRES=1` leaves the PostgreSQL cases out explicitly (see `StoreContractTests.Backend`).
actor PostgresTestCluster {
    static let shared = PostgresTestCluster()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private struct Ready {
        var server: PostgresSettings
        var admin: PostgresClient
        var template: String
    }

    private var ready: Task<Ready, any Error>?
    private var databases = 0
    private let logger = Logger(label: "hop-test-postgres")

    /// Settings of a new database holding the migrated schema and nothing else.
    func freshDatabase() async throws -> PostgresSettings {
        if ready == nil { ready = Task { try await Self.prepare(logger: logger) } }
        let cluster = try await ready!.value
        databases += 1
        let name = "hop_test_\(ProcessInfo.processInfo.processIdentifier)_\(databases)"
        try await cluster.admin.query(
            PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(cluster.template) STRATEGY FILE_COPY"), logger: logger)
        var settings = cluster.server
        settings.database = name
        settings.poolSize = 4
        return settings
    }

    /// Opens a store on a fresh database.
    func freshStore() async throws -> PostgresStore {
        try await PostgresStore.open(settings: try await freshDatabase(), logger: logger)
    }

    private static func prepare(logger: Logger) async throws -> Ready {
        let environment = ProcessInfo.processInfo.environment
        let url = try environment["HOP_TEST_POSTGRES_URL"] ?? startCluster()
        var server = try PostgresSettings.parse(url: url)
        server.tls = .disable
        server.poolSize = 2
        let admin = PostgresClient(configuration: try adminConfiguration(server), backgroundLogger: logger)
        // Runs for the rest of the process: every test's database is created through it.
        Task { await admin.run() }
        let template = "hop_template_\(ProcessInfo.processInfo.processIdentifier)"
        try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(template)"), logger: logger)
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(template)"), logger: logger)
        var settings = server
        settings.database = template
        let store = try await PostgresStore.open(settings: settings, logger: logger)
        try await store.close()
        return Ready(server: server, admin: admin, template: template)
    }

    private static func adminConfiguration(_ s: PostgresSettings) throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: s.host, port: s.port, username: s.user, password: s.password, database: s.database, tls: .disable)
        configuration.options.maximumConnections = 2
        return configuration
    }

    /// Starts a cluster with scripts/pg-throwaway, owned by this process; returns its URL.
    private static func startCluster() throws -> String {
        let printed = try startThrowaway([])
        guard let url = printed["HOP_TEST_POSTGRES_URL"] else { throw Failure(description: "scripts/pg-throwaway printed no URL: \(printed)") }
        return url
    }

    /// Runs `scripts/pg-throwaway start --owner <this process> <extra>` and returns what it printed
    /// (`HOP_TEST_POSTGRES_URL`, `HOP_PG_CA_FILE`, …). The cluster stops once this process has exited.
    static func startThrowaway(_ extra: [String]) throws -> [String: String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/pg-throwaway")
        process.arguments = ["start", "--owner", "\(ProcessInfo.processInfo.processIdentifier)"] + extra
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Both pipes at their end means the script has finished; its URL line is its success.
        // (Not `waitUntilExit`: inside a test's task it can miss the exit and wait for ever.)
        var printed: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { printed[String(parts[0])] = String(parts[1]) }
        }
        guard printed["HOP_TEST_POSTGRES_URL"] != nil else {
            throw Failure(description: "no PostgreSQL for the PostgreSQL test cases (scripts/pg-throwaway start): \(problem)\(text)")
        }
        return printed
    }
}
