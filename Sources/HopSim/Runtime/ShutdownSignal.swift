#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// Tells the event loop to stop, from any thread (a signal handler's queue, a test).
/// A self-pipe wakes the loop's `poll()` at once.
public final class ShutdownSignal: Sendable {
    let readFD: Int32
    let writeFD: Int32
    private let requested = Atomic<Bool>(false)

    public init() throws(SimError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SimError("pipe: \(Sockets.errnoText())") }
        readFD = fds[0]
        writeFD = fds[1]
        Sockets.setNonBlocking(readFD)
        Sockets.setNonBlocking(writeFD)
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Whether `trigger()` has been called.
    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Asks the loop to stop; safe to call more than once.
    public func trigger() {
        requested.store(true, ordering: .releasing)
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }
}
