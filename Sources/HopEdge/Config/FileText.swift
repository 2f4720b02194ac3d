import Foundation

/// Reads the small text files a configuration names (the config itself, profiles, the API key and
/// CA files) and says precisely why one cannot be used, instead of Foundation's generic text.
enum FileText {
    /// Why a file could not be read, phrased to follow the file's name.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case missing
        case directory
        case notRegular
        case permissionDenied
        case unreadable(String)
        case notUTF8(offset: Int, line: Int)

        var description: String {
            switch self {
            case .missing: "does not exist"
            case .directory: "is a directory"
            case .notRegular: "is not a regular file"
            case .permissionDenied: "cannot be read (permission denied)"
            case .unreadable(let reason): "cannot be read (\(reason))"
            case .notUTF8(let offset, let line): "is not UTF-8 text (first bad byte at offset \(offset), line \(line))"
            }
        }
    }

    /// The bytes of the regular file at `path`. FIFOs, devices and sockets are refused before
    /// they are opened (a FIFO would block `check` forever).
    static func bytes(at path: String) throws(Problem) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT, ENOTDIR: throw .missing
            case EACCES: throw .permissionDenied
            default: throw .unreadable(String(cString: strerror(errno)))
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .directory
        default: throw .notRegular
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw errno == EACCES || errno == EPERM ? .permissionDenied : .unreadable(String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw errno == EISDIR ? .directory : .unreadable(String(cString: strerror(errno)))
            }
            result += buffer[0..<n]
        }
        return result
    }

    /// The file at `path` as UTF-8 text.
    static func text(at path: String) throws(Problem) -> String {
        try decode(try bytes(at: path))
    }

    /// `bytes` as UTF-8, or where the first invalid byte is.
    static func decode(_ bytes: [UInt8]) throws(Problem) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == 0x0A { line += 1 }
                offset += encoded.count
            case .error:
                throw .notUTF8(offset: offset, line: line)
            case .emptyInput:
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }
}
