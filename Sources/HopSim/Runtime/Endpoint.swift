/// A `HOST:PORT` address given on the command line.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:5020` (IPv4 dotted quad and port 1…65535).
    public init(parsing text: String, option: String) throws(SimError) {
        guard let colon = text.lastIndex(of: ":"),
            let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port)
        else {
            throw SimError("\(option): '\(text)' is not HOST:PORT with a port 1…65535")
        }
        let host = String(text[..<colon])
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4 else { throw SimError("\(option): '\(host)' is not an IPv4 address") }
        self.host = host
        self.port = port
    }

    /// Whether the host is in 127.0.0.0/8.
    public var isLoopback: Bool { host.hasPrefix("127.") }

    public var description: String { "\(host):\(port)" }
}
