/// One server a `postgres.url` names: `HOST[:PORT]` or `[IPv6][:PORT]`. A URL may name several,
/// comma-separated as libpq allows (`postgres://hop@db1:5432,db2:5432/hop`); the store uses the one
/// that takes writes.
public struct PostgresEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 5432) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// The comma-separated host list of a URL's authority (after any `USER@`); a host without a
    /// port gets 5432.
    static func parseList(_ text: Substring) throws(PostgresURLError) -> [PostgresEndpoint] {
        var endpoints: [PostgresEndpoint] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            endpoints.append(try parse(part))
        }
        return endpoints
    }

    private static func parse(_ text: Substring) throws(PostgresURLError) -> PostgresEndpoint {
        var rest = text
        var endpoint = PostgresEndpoint(host: "")
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            endpoint.host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            if rest.hasPrefix(":") {
                endpoint.port = try port(rest.dropFirst())
            } else if !rest.isEmpty {
                throw PostgresURLError("has '\(rest)' after the host")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            endpoint.host = String(rest[..<colon])
            endpoint.port = try port(rest[rest.index(after: colon)...])
        } else {
            endpoint.host = String(rest)
        }
        guard !endpoint.host.isEmpty else {
            throw PostgresURLError(text.isEmpty ? "names no host (or an empty one between commas)" : "names no host in '\(text)'")
        }
        return endpoint
    }

    private static func port(_ text: Substring) throws(PostgresURLError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw PostgresURLError("'\(text)' is not a port (1…65535)") }
        return port
    }
}
