import Foundation

/// Whether another process has an SQLite database in WAL mode open, found without opening it.
///
/// Every connection to a WAL database holds a shared POSIX lock on the "dead man switch" byte of
/// the `-shm` file (offset 128: SQLite's `UNIX_SHM_DMS`) for as long as it is open. Asking the
/// kernel whether an exclusive lock on that byte would conflict (`F_GETLK`, which takes no lock)
/// answers with the id of a process holding it. Locks of this process are not reported (POSIX
/// locks belong to processes): the check is for `hop-hub migrate`, a process of its own.
enum SQLiteOpenCheck {
    /// The id of a process other than this one that has the database at `path` open; nil when none
    /// has (or the database has no `-shm` file: no connection in WAL mode since it was last closed).
    static func processHolding(databaseAt path: String) -> Int? {
        let fd = open(path + "-shm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = 128
        probe.l_len = 1
        guard fcntl(fd, F_GETLK, &probe) == 0, probe.l_type != Int16(F_UNLCK) else { return nil }
        return Int(probe.l_pid)
    }
}
