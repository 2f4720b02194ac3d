import Foundation

extension ConfigLoader {
    /// Why `path` cannot be a serial port right now (nil when it is a character device). Only a
    /// warning: a USB adapter may be plugged in after the configuration is checked.
    static func serialDeviceProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? "does not exist" : "cannot be examined (\(String(cString: strerror(errno))))"
        }
        return info.st_mode & S_IFMT == S_IFCHR ? nil : "is not a character device"
    }
}
