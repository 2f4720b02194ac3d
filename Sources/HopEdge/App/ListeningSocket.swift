import Foundation

/// A blocking IPv4/IPv6 TCP listener for the metrics endpoint.
final class ListeningSocket: Sendable {
    let fd: Int32

    init(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw MetricsError(message: "metrics.listen: cannot resolve \(host):\(port)")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MetricsError(message: "socket(): \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, Foundation.listen(fd, 16) == 0 else {
            let message = String(cString: strerror(errno))
            Foundation.close(fd)
            throw MetricsError(message: "metrics.listen: cannot listen on \(host):\(port): \(message)")
        }
        self.fd = fd
    }

    /// The next connection, or `nil` once the socket is closed.
    func accept() -> Connection? {
        while true {
            let client = Foundation.accept(fd, nil, nil)
            if client >= 0 { return Connection(fd: client) }
            if errno == EINTR { continue }
            return nil
        }
    }

    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Foundation.close(fd)
    }

    struct Connection {
        let fd: Int32

        /// Reads up to the end of the request head (or 8 KiB).
        func readHead() -> String {
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 1024)
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            while data.count < 8192 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                data += buffer[0..<n]
                if data.count >= 4, Array(data.suffix(4)) == [13, 10, 13, 10] { break }
            }
            return String(decoding: data, as: UTF8.self)
        }

        func respond(status: String, type: String, body: String) {
            let bytes = Array(body.utf8)
            let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
            let all = Array(head.utf8) + bytes
            var offset = 0
            while offset < all.count {
                let n = all[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                offset += n
            }
        }

        func close() { Foundation.close(fd) }
    }
}

/// The metrics endpoint could not be opened.
struct MetricsError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
