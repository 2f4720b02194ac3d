import HopHubCore
import PostgresNIO

extension PostgresStore {
    /// The client configuration for `settings`' first server. TLS follows libpq's modes: `prefer`
    /// encrypts when the server offers TLS without checking its certificate (as `sslmode=prefer`),
    /// `require` verifies the certificate and host name against `ca_file` or the system's
    /// authorities (as `sslmode=verify-full`).
    static func clientConfiguration(_ settings: PostgresSettings) throws -> PostgresClient.Configuration {
        let mode: PostgresClient.Configuration.TLS
        switch settings.tls {
        case .disable: mode = .disable
        case .prefer: mode = .prefer(tlsConfiguration(settings))
        case .require: mode = .require(tlsConfiguration(settings))
        }
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: mode)
        configuration.options.maximumConnections = settings.poolSize
        configuration.options.minimumConnections = 0
        configuration.options.additionalStartupParameters = [("application_name", "hop-hub")]
        return configuration
    }

    /// The TLS context of a single connection (the primary finder's, the live listener's); nil
    /// with `postgres.tls: disable`.
    static func tlsContext(_ settings: PostgresSettings) throws -> NIOSSLContext? {
        settings.tls == .disable ? nil : try NIOSSLContext(configuration: tlsConfiguration(settings))
    }

    private static func tlsConfiguration(_ settings: PostgresSettings) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
        if settings.tls == .prefer { tls.certificateVerification = .none }
        return tls
    }
}
