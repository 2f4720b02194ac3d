#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Logging

/// The line-based control interface on a loopback TCP port (`--control`): one command per line,
/// one answer per line. Owned by the event loop's thread; not thread-safe by design.
final class ControlServer {
    let endpoint: Endpoint
    let listenFD: Int32
    let responder: ControlResponder
    let logger: Logger
    /// Connected clients and the bytes received that do not yet form a line.
    private(set) var clients: [Int32: [UInt8]] = [:]

    init(endpoint: Endpoint, responder: ControlResponder, logger: Logger) throws(SimError) {
        guard endpoint.isLoopback else {
            throw SimError("--control \(endpoint): the control interface has no authentication; use a 127.x address")
        }
        self.endpoint = endpoint
        self.listenFD = try Sockets.listenTCP(endpoint)
        self.responder = responder
        self.logger = logger
    }

    deinit {
        for fd in clients.keys { close(fd) }
        close(listenFD)
    }

    /// Accepts every pending connection.
    func acceptAll() {
        while true {
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { return }
            Sockets.setNonBlocking(fd)
            clients[fd] = []
            logger.debug("control: client connected (fd \(fd))")
        }
    }

    /// Reads what a client sent and answers every complete line.
    func service(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 4_096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0, errno == EAGAIN || errno == EINTR { return }
        guard n > 0 else { return drop(fd) }
        var buffer = clients[fd] ?? []
        buffer.append(contentsOf: chunk[0..<n])
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeSubrange(...newline)
            guard let answer = responder.respond(to: line), Sockets.writeAll(fd, Array((answer + "\n").utf8)) else {
                return drop(fd)
            }
        }
        guard buffer.count <= 65_536 else {
            _ = Sockets.writeAll(fd, Array("error line too long\n".utf8))
            return drop(fd)
        }
        clients[fd] = buffer
    }

    /// Closes a client connection and forgets its buffer.
    func drop(_ fd: Int32) {
        close(fd)
        clients[fd] = nil
    }
}
