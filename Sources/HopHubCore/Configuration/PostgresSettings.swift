import Foundation

/// Which store backend holds the hub's data (`store`).
public enum StoreKind: String, Sendable, Hashable, CaseIterable {
    /// One SQLite file in the data directory (the default).
    case sqlite
    /// A PostgreSQL database (`postgres.*`), which several hub replicas can share.
    case postgres
}

/// How the PostgreSQL connection uses TLS (`postgres.tls`).
public enum PostgresTLSMode: String, Sendable, Hashable, CaseIterable {
    /// Never TLS.
    case disable
    /// TLS when the server offers it, plain otherwise.
    case prefer
    /// TLS or no connection; the server's certificate is verified (against `postgres.ca_file` when set).
    case require
}

/// Where and how the PostgreSQL backend connects (`postgres.*`). The password is never part of
/// the file or the URL: it comes from the environment (`HOP_HUB_POSTGRES_PASSWORD`), and
/// `description` never shows it.
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible {
    /// The servers the URL names, in its order: one, or a primary and its standbys. The store
    /// connects to the one that takes writes (`pg_is_in_recovery()` false) and looks again when it
    /// loses it (docs/hub-storage.md, "Several replicas and failover").
    public var endpoints = [PostgresEndpoint(host: "127.0.0.1")]
    /// The first server's host (the only one in a one-server URL).
    public var host: String {
        get { endpoints[0].host }
        set { endpoints[0].host = newValue }
    }
    /// The first server's port.
    public var port: Int {
        get { endpoints[0].port }
        set { endpoints[0].port = newValue }
    }
    public var user = "hop"
    public var database = "hop"
    /// Connections the hub keeps to the database at most.
    public var poolSize = 10
    /// Group commits of ingest the hub runs side by side, each in its own transaction on its own
    /// connection (part of `poolSize`): while one waits for the WAL flush or a row lock, the
    /// next runs.
    public var ingestTransactions = 4
    public var tls = PostgresTLSMode.prefer
    /// PEM file of the certificate authorities trusted for the server's certificate; the system's when nil.
    public var caFile: String?
    /// From the environment only; nil for trust or peer authentication.
    public var password: String?

    /// The environment variable the password is read from.
    public static let passwordVariable = "HOP_HUB_POSTGRES_PASSWORD"

    public init() {}

    public init(host: String, port: Int, user: String, database: String) {
        endpoints = [PostgresEndpoint(host: host, port: port)]
        self.user = user
        self.database = database
    }

    /// `postgres://USER@HOST:PORT[,HOST:PORT…]/DATABASE` (no password, whether one is set or not).
    public var description: String {
        "postgres://\(user)@\(endpoints.map(\.description).joined(separator: ","))/\(database)"
    }

    /// `postgres://USER@HOST:PORT/DATABASE` of one of the servers.
    public func description(of endpoint: PostgresEndpoint) -> String { "postgres://\(user)@\(endpoint)/\(database)" }

    /// Parses `postgres://USER@HOST[:PORT][,HOST[:PORT]…]/DATABASE` (or `postgresql://`). A password
    /// in the URL is refused: it would end up in files, process lists and logs.
    public static func parse(url text: String) throws(PostgresURLError) -> PostgresSettings {
        var rest = Substring(text)
        guard let scheme = rest.range(of: "://"), ["postgres", "postgresql"].contains(rest[..<scheme.lowerBound]) else {
            throw PostgresURLError("must start with postgres:// (postgres://USER@HOST:PORT/DATABASE)")
        }
        rest = rest[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { throw PostgresURLError("names no database (…/DATABASE at the end)") }
        let authority = rest[..<slash]
        let database = rest[rest.index(after: slash)...]
        guard !database.isEmpty, !database.contains("/"), !database.contains("?") else {
            throw PostgresURLError("'\(database)' is not a database name (query parameters are not read; use the postgres.* keys)")
        }
        var settings = PostgresSettings()
        settings.database = String(database)
        var hostPart = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            guard !userInfo.contains(":") else {
                throw PostgresURLError("must not hold a password; set \(passwordVariable) in the environment instead")
            }
            guard !userInfo.isEmpty else { throw PostgresURLError("has an empty user name before '@'") }
            settings.user = String(userInfo)
            hostPart = authority[authority.index(after: at)...]
        }
        settings.endpoints = try PostgresEndpoint.parseList(hostPart)
        return settings
    }
}

/// What is wrong with a `postgres.url`.
public struct PostgresURLError: Error, Sendable, Hashable {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
}
