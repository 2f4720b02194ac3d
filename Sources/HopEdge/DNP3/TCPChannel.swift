import Foundation

/// DNP3 over TCP (IEEE 1815 §A, usually port 20000): a non-blocking connect bounded by the
/// timeout, then `poll`-driven reads.
final class TCPChannel: DescriptorChannel, DNP3Channel {
    let host: String
    let port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    func open(timeout: Duration) throws(DNP3ChannelError) {
        close()
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw DNP3ChannelError(operation: "resolve \(host)", message: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var lastError = DNP3ChannelError(operation: "connect \(host):\(port)", message: "no address")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let ai = entry {
            entry = ai.pointee.ai_next
            let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), ai.pointee.ai_protocol)
            guard s >= 0 else { continue }
            _ = fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            _ = setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if connect(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                fd = s
                if wait(events: Int16(POLLOUT), timeout: timeout) {
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    _ = getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len)
                    if err == 0 { return }
                    lastError = .errno("connect \(host):\(port)", err)
                } else {
                    lastError = DNP3ChannelError(operation: "connect \(host):\(port)", message: "timed out")
                }
                close()
            } else {
                lastError = .errno("connect \(host):\(port)")
                _ = Glibc.close(s)
            }
        }
        throw lastError
    }
}
