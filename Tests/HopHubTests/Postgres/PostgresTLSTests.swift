import Foundation
import HopTestSupport
import Logging
import PostgresNIO
import Testing

@testable import HopHubCore
@testable import HopHubPostgres

/// `postgres.tls` against a server with TLS (a throwaway cluster with a certificate for 127.0.0.1
/// signed by a CA made for it) and one without.
@Suite struct PostgresTLSTests {
    static let logger = Logger(label: "test")
    /// The TLS cluster of this test process, started on first use.
    static let tlsCluster = Task { try PostgresTestCluster.startThrowaway(["--tls"]) }

    static func settings(_ tls: PostgresTLSMode, caFile: String? = nil) async throws -> PostgresSettings {
        let printed = try await tlsCluster.value
        var settings = try PostgresSettings.parse(url: try #require(printed["HOP_TEST_POSTGRES_URL"]))
        settings.tls = tls
        settings.caFile = caFile
        settings.poolSize = 1
        return settings
    }

    /// Whether the store's connection is encrypted, as the server sees it.
    static func encrypted(_ store: PostgresStore) async throws -> Bool {
        for try await ssl in try await store.client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").decode(Bool.self) {
            return ssl
        }
        return false
    }

    @Test func requireVerifiesTheServerAgainstTheCAFileAndEncrypts() async throws {
        let ca = try #require(try await Self.tlsCluster.value["HOP_PG_CA_FILE"])
        let store = try await PostgresStore.open(settings: try await Self.settings(.require, caFile: ca), logger: Self.logger)
        #expect(try await Self.encrypted(store))
        try await store.close()
    }

    @Test func requireRefusesAServerNoTrustedAuthorityVouchesFor() async throws {
        // No ca_file: the system's authorities, which never signed the throwaway CA.
        await #expect(throws: PostgresStoreError.self) {
            _ = try await PostgresStore.open(settings: try await Self.settings(.require), logger: Self.logger, timeout: .seconds(3))
        }
    }

    @Test func preferEncryptsWithoutCheckingTheCertificate() async throws {
        let store = try await PostgresStore.open(settings: try await Self.settings(.prefer), logger: Self.logger)
        #expect(try await Self.encrypted(store))
        try await store.close()
    }

    @Test func requireRefusesAServerWithoutTLSAndPreferFallsBackToPlain() async throws {
        var plain = try await PostgresTestCluster.shared.freshDatabase()
        plain.tls = .require
        await #expect(throws: PostgresStoreError.self) {
            _ = try await PostgresStore.open(settings: plain, logger: Self.logger, timeout: .seconds(3))
        }
        plain.tls = .prefer
        let store = try await PostgresStore.open(settings: plain, logger: Self.logger)
        #expect(try await Self.encrypted(store) == false)
        try await store.close()
    }
}
