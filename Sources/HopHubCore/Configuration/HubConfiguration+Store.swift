import Foundation

/// Reading the store backend's settings: `store` and `postgres.*` (docs/hub-configuration.md).
extension HubConfiguration {
    /// File keys of this part; also `HOP_HUB_<KEY>` environment variables.
    public static let storeKeys: [String] = ["store", "postgres.url", "postgres.pool_size", "postgres.ingest_transactions", "postgres.tls", "postgres.ca_file"]

    mutating func loadStore(_ values: ConfigValues) throws(ConfigError) {
        if let text = values.string("store") {
            guard let kind = StoreKind(rawValue: text) else {
                throw ConfigError(
                    origin: values.origin("store"), key: "store",
                    problem: "'\(text)' is not one of \(StoreKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            store = kind
        }
        let password = postgres.password
        if let url = values.string("postgres.url") {
            do {
                postgres = try PostgresSettings.parse(url: url)
            } catch {
                // The URL itself is not repeated: it may hold a password the check refused.
                throw ConfigError(origin: values.origin("postgres.url"), key: "postgres.url", problem: error.problem)
            }
            postgres.password = password
        } else if store == .postgres {
            throw ConfigError(
                origin: values.origin("store"), key: "postgres.url",
                problem: "is required with store: postgres (postgres://USER@HOST:PORT/DATABASE)")
        }
        postgres.poolSize = try values.int("postgres.pool_size", in: 1...1000) ?? postgres.poolSize
        postgres.ingestTransactions = try values.int("postgres.ingest_transactions", in: 1...64) ?? min(postgres.ingestTransactions, postgres.poolSize)
        guard postgres.ingestTransactions <= postgres.poolSize else {
            throw ConfigError(
                origin: values.origin("postgres.ingest_transactions"), key: "postgres.ingest_transactions",
                problem: "is \(postgres.ingestTransactions), more than postgres.pool_size (\(postgres.poolSize)): each needs a connection of the pool")
        }
        if let text = values.string("postgres.tls") {
            guard let mode = PostgresTLSMode(rawValue: text) else {
                throw ConfigError(
                    origin: values.origin("postgres.tls"), key: "postgres.tls",
                    problem: "'\(text)' is not one of \(PostgresTLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            postgres.tls = mode
        }
        if let file = values.string("postgres.ca_file") {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ConfigError(origin: values.origin("postgres.ca_file"), key: "postgres.ca_file", problem: "'\(file)' cannot be read")
            }
            guard postgres.tls != .disable else {
                throw ConfigError(
                    origin: values.origin("postgres.ca_file"), key: "postgres.ca_file",
                    problem: "is set but postgres.tls is disable: a CA file only matters with TLS")
            }
            postgres.caFile = file
        }
    }

    /// Where the data lives, for logs: the SQLite file, or the PostgreSQL URL without password.
    public var storeDescription: String {
        switch store {
        case .sqlite: databasePath
        case .postgres: postgres.description
        }
    }
}
