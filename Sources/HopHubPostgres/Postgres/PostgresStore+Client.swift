import HopHubCore
import PostgresNIO

extension PostgresStore {
    /// The client configuration for `settings`. TLS follows libpq's modes: `prefer` encrypts when
    /// the server offers TLS without checking its certificate (as `sslmode=prefer`), `require`
    /// verifies the certificate and host name against `ca_file` or the system's authorities
    /// (as `sslmode=verify-full`).
    static func clientConfiguration(_ settings: PostgresSettings) throws -> PostgresClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
        let mode: PostgresClient.Configuration.TLS
        switch settings.tls {
        case .disable:
            mode = .disable
        case .prefer:
            tls.certificateVerification = .none
            mode = .prefer(tls)
        case .require:
            mode = .require(tls)
        }
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: mode)
        configuration.options.maximumConnections = settings.poolSize
        configuration.options.minimumConnections = 0
        configuration.options.additionalStartupParameters = [("application_name", "hop-hub")]
        return configuration
    }
}
