import Foundation

/// An exclusive `flock` on `<journal>.lock`, held for the life of the agent, so two agents can never
/// poll into and upload from the same journal (which would duplicate readings under two seqs).
public final class JournalLock: Sendable {
    private let fd: Int32

    /// Takes the lock or throws naming the journal and the process holding it.
    public init(journalPath: String) throws(JournalError) {
        let path = journalPath + ".lock"
        try? FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw JournalError(path: journalPath, operation: "lock", message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw JournalError(path: journalPath, operation: "lock", message: "another hop-edge (pid \(holder)) is using this journal")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
    }

    deinit { close(fd) }
}
