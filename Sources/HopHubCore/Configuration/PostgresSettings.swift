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
    public var host = "127.0.0.1"
    public var port = 5432
    public var user = "hop"
    public var database = "hop"
    /// Connections the hub keeps to the database at most.
    public var poolSize = 10
    public var tls = PostgresTLSMode.prefer
    /// PEM file of the certificate authorities trusted for the server's certificate; the system's when nil.
    public var caFile: String?
    /// From the environment only; nil for trust or peer authentication.
    public var password: String?

    /// The environment variable the password is read from.
    public static let passwordVariable = "HOP_HUB_POSTGRES_PASSWORD"

    public init() {}

    public init(host: String, port: Int, user: String, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
    }

    /// `postgres://USER@HOST:PORT/DATABASE` (no password, whether one is set or not).
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)"
    }

    /// Parses `postgres://USER@HOST[:PORT]/DATABASE` (or `postgresql://`). A password in the URL
    /// is refused: it would end up in files, process lists and logs.
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
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            settings.host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            hostPart = hostPart[hostPart.index(after: close)...]
            if hostPart.hasPrefix(":") { settings.port = try port(hostPart.dropFirst()) } else if !hostPart.isEmpty {
                throw PostgresURLError("has '\(hostPart)' after the host")
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            settings.host = String(hostPart[..<colon])
            settings.port = try port(hostPart[hostPart.index(after: colon)...])
        } else {
            settings.host = String(hostPart)
        }
        guard !settings.host.isEmpty else { throw PostgresURLError("names no host") }
        return settings
    }

    private static func port(_ text: Substring) throws(PostgresURLError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw PostgresURLError("'\(text)' is not a port (1…65535)") }
        return port
    }
}

/// What is wrong with a `postgres.url`.
public struct PostgresURLError: Error, Sendable, Hashable {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
}
