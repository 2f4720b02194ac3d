import Foundation
import Testing

@testable import HopHubCore

/// `store` and `postgres.*`: parsed, defaulted, and refused with file, line, key and problem; the
/// password comes from the environment only and is never shown.
@Suite struct PostgresConfigurationTests {
    func load(_ yaml: String, environment: [String: String] = [:]) throws -> (HubConfiguration, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hub-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        var values = ConfigValues()
        try values.merge(yamlFile: path)
        values.merge(environment: environment, prefix: HubConfiguration.environmentPrefix, knownKeys: HubConfiguration.keys)
        return (try HubConfiguration(values: values, environment: environment), path)
    }

    @Test func sqliteIsTheDefaultStore() throws {
        let (config, _) = try load("data_dir: /tmp/a\n")
        #expect(config.store == .sqlite)
        #expect(config.storeDescription == "/tmp/a/hop.sqlite")
    }

    @Test func aPostgresStoreReadsItsURLPoolTLSAndThePasswordFromTheEnvironment() throws {
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem").path
        try "-----BEGIN CERTIFICATE-----\n".write(toFile: ca, atomically: true, encoding: .utf8)
        let (config, _) = try load(
            "data_dir: /tmp/a\nstore: postgres\npostgres:\n  url: postgres://hop@db.example:6432/grid\n  pool_size: 3\n  ingest_transactions: 3\n  tls: require\n  ca_file: \(ca)\n",
            environment: ["HOP_HUB_POSTGRES_PASSWORD": "s3cret", "HOP_HUB_POSTGRES_POOL_SIZE": "4"])
        #expect(config.store == .postgres)
        let pg = config.postgres
        #expect((pg.host, pg.port, pg.user, pg.database) == ("db.example", 6432, "hop", "grid"))
        #expect(pg.poolSize == 4 && pg.ingestTransactions == 3)
        #expect(pg.tls == .require && pg.caFile == ca)
        #expect(pg.password == "s3cret")
        #expect(config.storeDescription == "postgres://hop@db.example:6432/grid")
        #expect(!"\(pg)".contains("s3cret") && !String(reflecting: config.storeDescription).contains("s3cret"))
    }

    @Test(arguments: [
        ("postgres://hop@[::1]/hop", "::1", 5432),
        ("postgresql://hop@127.0.0.1:5433/hop", "127.0.0.1", 5433),
    ])
    func urlsNameHostAndPort(url: String, host: String, port: Int) throws {
        let settings = try PostgresSettings.parse(url: url)
        #expect(settings.host == host && settings.port == port)
    }

    @Test(arguments: [
        ("store: postgre\n", "store", "is not one of sqlite, postgres", 2),
        ("store: postgres\n", "postgres.url", "is required with store: postgres", 0),
        ("postgres:\n  url: postgres://hop:hunter2@db/hop\n", "postgres.url", "must not hold a password", 3),
        ("postgres:\n  url: mysql://hop@db/hop\n", "postgres.url", "must start with postgres://", 3),
        ("postgres:\n  url: postgres://hop@db:99999/hop\n", "postgres.url", "is not a port", 3),
        ("postgres:\n  url: postgres://hop@db\n", "postgres.url", "names no database", 3),
        ("postgres:\n  pool_size: 0\n", "postgres.pool_size", "outside 1…1000", 3),
        ("postgres:\n  ingest_transactions: 0\n", "postgres.ingest_transactions", "outside 1…64", 3),
        ("postgres:\n  pool_size: 2\n  ingest_transactions: 3\n", "postgres.ingest_transactions", "more than postgres.pool_size (2)", 4),
        ("postgres:\n  tls: verify-full\n", "postgres.tls", "is not one of disable, prefer, require", 3),
        ("postgres:\n  ca_file: /nonexistent/ca.pem\n", "postgres.ca_file", "cannot be read", 3),
        ("postgres:\n  password: hunter2\n", "postgres.password", "set HOP_HUB_POSTGRES_PASSWORD in the environment", 3),
    ])
    func badValuesNameFileLineKeyAndProblem(yaml: String, key: String, problem: String, line: Int) throws {
        do {
            _ = try load("data_dir: /tmp/a\n" + yaml)
            Issue.record("expected an error for \(yaml)")
        } catch let error as ConfigError {
            #expect(error.key == key, "\(error)")
            #expect(error.problem.contains(problem), "\(error)")
            #expect(!error.description.contains("hunter2"), "\(error)")
            if line > 0 { #expect(error.origin.hasSuffix(".yaml:\(line)"), "\(error)") }
        }
    }
}

/// `postgres.url` may name several servers, as libpq allows; the first is also `host`/`port`.
@Suite struct PostgresEndpointListTests {
    @Test func aURLMayNameSeveralServers() throws {
        let settings = try PostgresSettings.parse(url: "postgres://hop@db1:5433,db2,[2001:db8::7]:5434/grid")
        #expect(settings.endpoints == [
            PostgresEndpoint(host: "db1", port: 5433), PostgresEndpoint(host: "db2", port: 5432),
            PostgresEndpoint(host: "2001:db8::7", port: 5434),
        ])
        #expect(settings.host == "db1" && settings.port == 5433)
        #expect(settings.description == "postgres://hop@db1:5433,db2:5432,[2001:db8::7]:5434/grid")
    }

    @Test func anEmptyServerInTheListIsRefused() {
        #expect(throws: PostgresURLError.self) { try PostgresSettings.parse(url: "postgres://hop@db1,,db2/grid") }
        #expect(throws: PostgresURLError.self) { try PostgresSettings.parse(url: "postgres://hop@db1:5432,db2:0/grid") }
    }
}
