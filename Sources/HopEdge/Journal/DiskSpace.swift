import Foundation

/// Free space on the file system holding a path.
enum DiskSpace {
    /// Bytes available to unprivileged users, or `nil` if it cannot be determined.
    static func available(at path: String) -> Int64? {
        var stats = statvfs()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard statvfs(directory, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }
}
