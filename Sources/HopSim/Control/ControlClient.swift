#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Talks to a running simulator's control port (`hop-sim control …`): sends commands, then `quit`,
/// and returns every answer line.
public enum ControlClient {
    /// Sends `commands` (one per line) and collects the answers until the simulator closes.
    public static func send(_ commands: [String], to endpoint: Endpoint, timeoutSeconds: Int = 5) throws(SimError)
        -> [String]
    {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SimError("control \(endpoint): socket: \(Sockets.errnoText())") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(endpoint.port).bigEndian
        guard inet_pton(AF_INET, endpoint.host, &addr.sin_addr) == 1 else {
            throw SimError("control \(endpoint): bad IPv4 address")
        }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            throw SimError("control \(endpoint): cannot connect: \(Sockets.errnoText()) (is hop-sim running with --control?)")
        }
        let text = (commands + ["quit"]).joined(separator: "\n") + "\n"
        guard Sockets.writeAll(fd, Array(text.utf8)) else {
            throw SimError("control \(endpoint): send failed: \(Sockets.errnoText())")
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                received += chunk[0..<n]
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw SimError("control \(endpoint): no answer: \(Sockets.errnoText())")
            }
        }
        return String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
