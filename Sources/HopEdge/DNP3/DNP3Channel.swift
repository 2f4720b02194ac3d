import Foundation

/// The byte stream under a DNP3 master: a TCP connection or a serial line. Blocking, used from
/// one thread (the device's), so implementations are not `Sendable`.
protocol DNP3Channel: AnyObject {
    /// Opens the stream; `timeout` bounds a TCP connect.
    func open(timeout: Duration) throws(DNP3ChannelError)
    func close()
    var isOpen: Bool { get }
    func write(_ bytes: [UInt8]) throws(DNP3ChannelError)
    /// Waits at most `timeout` for bytes; returns what arrived (empty on timeout). Throws when the
    /// peer closed or the stream failed.
    func read(timeout: Duration) throws(DNP3ChannelError) -> [UInt8]
}

/// A failed channel operation, with the operating system's reason.
struct DNP3ChannelError: Error, CustomStringConvertible {
    var operation: String
    var message: String

    var description: String { "\(operation): \(message)" }

    static func errno(_ operation: String, _ code: Int32 = Foundation.errno) -> DNP3ChannelError {
        DNP3ChannelError(operation: operation, message: String(cString: strerror(code)))
    }
}

/// A file descriptor read and written with `poll(2)` timeouts; shared by TCP and serial.
class DescriptorChannel {
    var fd: Int32 = -1

    var isOpen: Bool { fd >= 0 }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    func write(_ bytes: [UInt8]) throws(DNP3ChannelError) {
        guard fd >= 0 else { throw DNP3ChannelError(operation: "write", message: "not connected") }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    _ = wait(events: Int16(POLLOUT), timeout: .seconds(1))
                    continue
                }
                throw .errno("write")
            }
            sent += n
        }
    }

    func read(timeout: Duration) throws(DNP3ChannelError) -> [UInt8] {
        guard fd >= 0 else { throw DNP3ChannelError(operation: "read", message: "not connected") }
        guard wait(events: Int16(POLLIN), timeout: timeout) else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n == 0 { throw DNP3ChannelError(operation: "read", message: "the outstation closed the connection") }
        if n < 0 {
            if errno == EAGAIN || errno == EINTR { return [] }
            throw .errno("read")
        }
        return Array(buffer.prefix(n))
    }

    /// Whether `events` became ready within `timeout` (errors and hang-ups count as ready, so the
    /// following read reports them).
    func wait(events: Int16, timeout: Duration) -> Bool {
        var p = pollfd(fd: fd, events: events, revents: 0)
        let ms = Int32(clamping: max(0, timeout.milliseconds))
        while true {
            let rc = poll(&p, 1, ms)
            if rc < 0 && errno == EINTR { continue }
            return rc > 0
        }
    }
}
