import HopHubCore
import Logging
import PostgresNIO

/// Finds, among the servers `postgres.url` names, the one that takes writes: each is asked in the
/// URL's order, on a connection of its own, `SELECT pg_is_in_recovery()`; the first answering false
/// is the primary. A standby (true), a server that refuses or does not answer within `timeout` is
/// passed over, and the reasons are kept for the error when none qualifies.
struct PostgresPrimaryFinder: Sendable {
    let settings: PostgresSettings
    let timeout: Duration
    let logger: Logger

    init(settings: PostgresSettings, timeout: Duration = .seconds(3), logger: Logger) {
        self.settings = settings
        self.timeout = timeout
        self.logger = logger
    }

    /// The primary's endpoint, or `StoreUnavailable` naming what each server answered.
    func find() async -> Result<PostgresEndpoint, StoreUnavailable> {
        var reasons: [String] = []
        for endpoint in settings.endpoints {
            do {
                if try await isInRecovery(endpoint) {
                    reasons.append("\(endpoint) is a standby (in recovery)")
                } else {
                    return .success(endpoint)
                }
            } catch {
                reasons.append("\(endpoint): \(PostgresStoreError.describe(error))")
            }
        }
        return .failure(
            StoreUnavailable(store: settings.description, operation: "finding the primary", reason: reasons.joined(separator: "; ")))
    }

    /// Whether `endpoint` is a standby; throws when it cannot be asked within `timeout`.
    func isInRecovery(_ endpoint: PostgresEndpoint) async throws -> Bool {
        try await withDeadline(timeout, what: "\(endpoint) to answer") {
            let connection = try await PostgresConnection.connect(
                configuration: try connectionConfiguration(endpoint), id: 0, logger: logger)
            do {
                var answer = true
                for try await inRecovery in try await connection.query("SELECT pg_is_in_recovery()", logger: logger).decode(Bool.self) {
                    answer = inRecovery
                }
                try? await connection.close()
                return answer
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    /// A single connection's configuration for `endpoint`, with the pool's TLS and credentials.
    func connectionConfiguration(_ endpoint: PostgresEndpoint) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        if let context = try PostgresStore.tlsContext(settings) {
            tls = settings.tls == .require ? .require(context) : .prefer(context)
        } else {
            tls = .disable
        }
        var configuration = PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: settings.user, password: settings.password,
            database: settings.database, tls: tls)
        configuration.options.connectTimeout = .seconds(max(1, timeout.components.seconds))
        configuration.options.additionalStartupParameters = [("application_name", "hop-hub")]
        return configuration
    }
}
